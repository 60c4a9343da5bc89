package dev.convoarchive.s3;

/** A stored object could not be decoded. Callers that can rebuild it (the index) do; others report it. */
final class DamagedObjectException extends RuntimeException {

  private final String key;

  DamagedObjectException(String key, Throwable cause) {
    super("object " + key + " could not be read as archive JSON: " + cause.getMessage(), cause);
    this.key = key;
  }

  String key() {
    return key;
  }
}
