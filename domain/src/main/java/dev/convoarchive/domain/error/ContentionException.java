package dev.convoarchive.domain.error;

/**
 * Concurrent writers kept winning until this request's retries ran out. Nothing is wrong with the
 * request or the data: trying again later succeeds, so an edge answers "busy, retry", not
 * "conflict". The message names no storage key; {@link #resource()} does, for the operator's log.
 */
public final class ContentionException extends ArchiveException {

  private final String resource;
  private final int attempts;

  private ContentionException(String message, String resource, int attempts) {
    super(message, null);
    this.resource = resource;
    this.attempts = attempts;
  }

  /** Optimistic-concurrency retries on one stored object ran out. */
  public static ContentionException onStoredObject(String key, int attempts) {
    return new ContentionException("too many concurrent changes to this archive (gave up after " + attempts
        + " attempts); retry the request", key, attempts);
  }

  /** A conversation kept moving between the live database and the archive while this request ran. */
  public static ContentionException onConversation(String what, int attempts) {
    return new ContentionException("the conversation kept moving while this request ran (gave up after " + attempts
        + " attempts); retry the request", what, attempts);
  }

  /** What was contended: a storage key or a logical name. Never shown to callers. */
  public String resource() {
    return resource;
  }

  /** How many attempts were made before giving up. */
  public int attempts() {
    return attempts;
  }
}
