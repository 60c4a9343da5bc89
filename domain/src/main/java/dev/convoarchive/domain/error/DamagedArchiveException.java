package dev.convoarchive.domain.error;

/**
 * Something stored could not be read back (undecodable JSON or gzip). The message is safe to show
 * a caller; {@link #location()} says where it is stored, for the operator's log only.
 */
public final class DamagedArchiveException extends ArchiveException {

  private final String location;

  public DamagedArchiveException(String location, Throwable cause) {
    super("a stored archive could not be read back; the operator has been told where, and can restore it from a backup", cause);
    this.location = location;
  }

  /** Where the damaged data is stored (an object key): for logs, never for answers. */
  public String location() {
    return location;
  }
}
