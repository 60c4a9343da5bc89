package dev.convoarchive.s3;

/** A stored object could not be decoded. Callers that can rebuild it (the index) do; others report it. */
final class DamagedObjectException extends RuntimeException {

  DamagedObjectException(String key, Throwable cause) {
    super("object " + key + " could not be read as archive JSON: " + cause.getMessage(), cause);
  }
}
