package dev.convoarchive.domain.error;

/** A store could not be reached or answered with a server error; the request may be retried. */
public final class StorageUnavailableException extends ArchiveException {

  private final String store;

  public StorageUnavailableException(String store, String detail, Throwable cause) {
    super(store + " is unavailable: " + detail + "; retry later", cause);
    this.store = store;
  }

  /** Which store failed, e.g. "S3 bucket archive" or "live database". */
  public String store() {
    return store;
  }
}
