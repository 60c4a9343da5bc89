package dev.convoarchive.http.auth;

/** A request whose credentials do not allow it: 401 when they are missing or invalid, 403 when they name no right. */
public final class AuthException extends RuntimeException {

  private final int status;

  private AuthException(int status, String message) {
    super(message);
    this.status = status;
  }

  public static AuthException unauthenticated(String message) {
    return new AuthException(401, message);
  }

  public static AuthException forbidden(String message) {
    return new AuthException(403, message);
  }

  public int status() {
    return status;
  }
}
