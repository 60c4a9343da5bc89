package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.s3.testing.Faults;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class StorageProbeTest {

  @Test
  void passesOnAStoreThatKeepsConditionalWrites() {
    try (S3Client client = S3TestServer.newClient()) {
      StorageProbe probe = new StorageProbe(client, S3TestServer.config());
      assertThat(probe.problems()).isEmpty();
      probe.verify();
    }
  }

  @Test
  void failsNamingEachMissingGuaranteeWhenConditionalHeadersAreIgnored() {
    try (S3Client client = S3TestServer.newClient(new Faults().ignoreConditions(true))) {
      StorageProbe probe = new StorageProbe(client, S3TestServer.config());

      assertThatThrownBy(probe::verify)
          .isInstanceOf(UnsafeStorageException.class)
          .hasMessageContaining("create-only writes (If-None-Match: *) are ignored")
          .hasMessageContaining("compare-and-swap writes (If-Match) are ignored")
          .satisfies(e -> assertThat(((UnsafeStorageException) e).problems()).hasSize(2));
    }
  }

  @Test
  void refusesAStoreThatChecksConditionsAndWritesInTwoStepsWhereTheLayoutNeedsThem() {
    try (S3Client checker = S3TestServer.newClient();
        S3Client client = S3TestServer.newClient(new Faults().checkThenWrite(checker, S3TestServer.BUCKET))) {
      for (S3ArchiveConfig needsThem : List.of(S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX),
          S3TestServer.config().withVariant(StorageVariant.SINGLE_FILE))) {
        StorageProbe probe = new StorageProbe(client, needsThem);

        assertThatThrownBy(probe::verify)
            .isInstanceOf(UnsafeStorageException.class)
            .hasMessageContaining("acknowledged updates were lost")
            .hasMessageContaining("check-storage")
            .hasMessageContaining("ARCHIVE_INDEX=postgres")
            // each condition alone holds: only racing writers show the loss
            .satisfies(e -> assertThat(((UnsafeStorageException) e).problems()).hasSize(1));
      }
      // The PostgreSQL index orders writes itself and needs no conditional writes.
      assertThat(new StorageProbe(client, S3TestServer.config().withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX)).problems()).isEmpty();
    }
  }

  @Test
  void failsWhenTheBucketDoesNotExist() {
    try (S3Client client = S3TestServer.newClient()) {
      S3ArchiveConfig missing = new S3ArchiveConfig("no-such-bucket-here", S3ArchiveConfig.DEFAULT_PREFIX,
          S3TestServer.config().endpoint(), true, "us-east-1", StorageVariant.PER_FILE_S3_INDEX, Compression.GZIP, 3, null);

      assertThatThrownBy(() -> new StorageProbe(client, missing).verify())
          .hasMessageContaining("bucket no-such-bucket-here does not exist");
    }
  }
}
