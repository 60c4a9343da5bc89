package dev.convoarchive.s3;

import software.amazon.awssdk.services.s3.S3Client;

/** Builds the archive of the configured layout; used by the Guice module and by the bench. */
public final class S3Archives {

  private S3Archives() {}

  public static S3Archive create(S3Client s3, S3ArchiveConfig config, ConflictListener conflicts) {
    ObjectStore store = new ObjectStore(s3, config.bucket(), config.compression());
    return switch (config.layout()) {
      case PER_FILE -> new PerFileArchive(store, config.prefix(),
          new VersionedObject<>(store, ArchiveIndex.CODEC, config.maxAttempts(), Backoff.standard(), conflicts));
      case SINGLE_FILE -> new SingleFileArchive(store, config.prefix(),
          new VersionedObject<>(store, UserFile.CODEC, config.maxAttempts(), Backoff.standard(), conflicts));
    };
  }
}
