package dev.convoarchive.s3;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  /**
   * Writes a user's whole archive in one go, in the layout's own format: for benchmarks that need
   * a user with thousands of conversations, and for bulk imports. It overwrites without
   * conditions, so nothing else may write that user's archive meanwhile.
   */
  public static void seed(S3Client s3, S3ArchiveConfig config, UserId owner, List<ArchivedConversation> conversations) {
    ObjectStore store = new ObjectStore(s3, config.bucket(), config.compression());
    switch (config.layout()) {
      case PER_FILE -> {
        PerFileArchive layout = new PerFileArchive(store, config.prefix(), null);
        List<ArchiveEntry> entries = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<?>> writes = new ArrayList<>();
          for (ArchivedConversation conversation : conversations) {
            byte[] bytes = ArchiveJson.encode(conversation, config.compression());
            entries.add(ArchiveEntry.of(conversation, bytes.length));
            writes.add(pool.submit(() -> store.overwrite(layout.objectKey(owner, conversation.id()), bytes)));
          }
          for (Future<?> write : writes) {
            write.get();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("seeding failed", e.getCause());
        } finally {
          pool.shutdownNow();
        }
        store.overwrite(layout.indexKey(owner), ArchiveIndex.CODEC.encode(new ArchiveIndex(entries, false), config.compression()));
      }
      case SINGLE_FILE -> {
        UserFile file = new UserFile();
        conversations.forEach(file::add);
        store.overwrite(new SingleFileArchive(store, config.prefix(), null).fileKey(owner), UserFile.CODEC.encode(file, config.compression()));
      }
    }
  }
}
