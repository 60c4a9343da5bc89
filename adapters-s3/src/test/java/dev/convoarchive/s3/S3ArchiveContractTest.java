package dev.convoarchive.s3;

import dev.convoarchive.domain.contract.ConversationArchiveContract;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.testing.InMemoryArchiveCatalog;
import dev.convoarchive.s3.testing.Faults;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import software.amazon.awssdk.services.s3.S3Client;

/** The archive contract against a real S3-protocol server, for each layout and prefix. */
class S3ArchiveContractTest {

  private static final S3Client CLIENT = S3TestServer.newClient();

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  static ConversationArchive archive(S3ArchiveConfig config) {
    return S3ArchiveModule.create(CLIENT, config, ConflictListener.NONE);
  }

  @Nested
  class PerFile extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX));
    }
  }

  @Nested
  class SingleFile extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.SINGLE_FILE));
    }
  }

  @Nested
  class PerFileUnderACustomPrefix extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX).withPrefix("tenant-a/cold.v2"));
    }
  }

  @Nested
  class SingleFileUnderACustomPrefix extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.SINGLE_FILE).withPrefix("tenant-a/cold.v2"));
    }
  }

  @Nested
  class PerFileUncompressed extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX).withCompression(Compression.NONE));
    }
  }

  @Nested
  class SingleFileUncompressed extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return archive(S3TestServer.config().withVariant(StorageVariant.SINGLE_FILE).withCompression(Compression.NONE));
    }
  }

  /**
   * Per-file with a catalog of record (the in-memory reference standing in for the PostgreSQL
   * table, which app-http tests for real), on a store that ignores conditional writes: the
   * catalog's ordering alone must keep every rule.
   */
  @Nested
  class PerFileWithACatalogOfRecordOnAStoreIgnoringConditionalWrites extends ConversationArchiveContract {
    private S3Client unsafe;

    @Override
    protected ConversationArchive createArchive() {
      unsafe = S3TestServer.newClient(new Faults().ignoreConditions(true));
      return S3ArchiveModule.create(unsafe, S3TestServer.config().withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX), ConflictListener.NONE,
          Optional.of(new InMemoryArchiveCatalog()));
    }

    @Override
    protected void closeArchive() {
      unsafe.close();
    }
  }
}
