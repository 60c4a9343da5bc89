package dev.convoarchive.http.auth;

/**
 * A request whose credentials do not allow it: 401 when they are missing or invalid, 403 when
 * they name no right, 503 when they cannot be checked now (Supabase Auth's keys are out of reach).
 */
public final class AuthException extends RuntimeException {

  private final int status;
  private final String code;

  private AuthException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static AuthException unauthenticated(String message) {
    return new AuthException(401, "unauthenticated", message);
  }

  /** A well-formed token whose time is up: the session ended, as opposed to a token that never was one. */
  public static AuthException expired(String message) {
    return new AuthException(401, "token-expired", message);
  }

  /** The token could not be checked for now: it may well be good, so the caller retries and is not signed out. */
  public static AuthException unavailable(String message) {
    return new AuthException(503, "auth-unavailable", message);
  }

  public static AuthException forbidden(String message) {
    return new AuthException(403, "forbidden", message);
  }

  public int status() {
    return status;
  }

  /** The problem's code: unauthenticated, token-expired, forbidden or auth-unavailable. */
  public String code() {
    return code;
  }
}
