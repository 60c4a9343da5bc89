package dev.convoarchive.domain.port;

/**
 * One dependency the service needs to answer requests (the bucket, the database). Each adapter
 * contributes its own; readiness is all of them answering.
 */
public interface ReadinessCheck {

  /** A short name for reports, such as {@code bucket} or {@code database}. */
  String name();

  /** Returns normally when the dependency answers; throws when it does not (within a few seconds). */
  void check() throws Exception;

  /**
   * Whether the service is unready without it. A background job (the sweeper) is reported but not
   * critical: requests are still answered, and a load balancer should keep sending them.
   */
  default boolean critical() {
    return true;
  }
}
