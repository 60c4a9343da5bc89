package dev.convoarchive.http.api;

/** An HTTP-level refusal that is not a domain rule: wrong content type, body too large, unknown route. */
final class ApiException extends RuntimeException {

  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
