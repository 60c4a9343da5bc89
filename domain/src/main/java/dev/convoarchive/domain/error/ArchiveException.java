package dev.convoarchive.domain.error;

/**
 * Base of every failure the domain reports on purpose. Each subclass maps onto one HTTP status, so
 * an edge can translate them without inspecting messages.
 */
public abstract sealed class ArchiveException extends RuntimeException
    permits NotFoundException, ConflictException, InvalidInputException, StorageUnavailableException,
        DamagedArchiveException, ContentionException {

  protected ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
