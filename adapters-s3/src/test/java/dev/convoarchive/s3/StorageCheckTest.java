package dev.convoarchive.s3;

import dev.convoarchive.s3.testing.Faults;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class StorageCheckTest {

  @Test
  void theEmbeddedStorePassesEveryCheckAndIsLeftClean() {
    try (S3Client client = S3TestServer.newClient()) {
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-ok")).run();

      assertThat(results).hasSize(6).allSatisfy(r -> assertThat(r.passed()).as(r.name() + ": " + r.detail()).isTrue());
      assertThat(results.get(5).detail()).contains("counter at 200");
      assertThat(StorageCheck.report(S3TestServer.config(), results)).contains("OK: this store keeps every guarantee")
          .contains("per-file with ARCHIVE_INDEX=postgres: yes").contains("per-file with ARCHIVE_INDEX=s3: yes")
          .contains("single-file: yes");
      assertThat(client.listObjectsV2(b -> b.bucket(S3TestServer.BUCKET).prefix("check-ok/")).contents()).isEmpty();
    }
  }

  @Test
  void aStoreThatIgnoresConditionalHeadersFailsWithWhatIsMissing() {
    try (S3Client client = S3TestServer.newClient(new Faults().ignoreConditions(true))) {
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-bad")).run();

      assertThat(results.get(0).passed()).isTrue();
      assertThat(results.get(1).passed()).isFalse();
      assertThat(results.get(1).detail()).contains("create-only writes (If-None-Match: *) are ignored");
      assertThat(results.get(2).passed()).isFalse();
      assertThat(results.get(2).detail()).contains("compare-and-swap writes (If-Match) are ignored");
      assertThat(results.get(5).passed()).isFalse();
      assertThat(results.get(5).detail()).contains("acknowledged updates were lost");
      S3ArchiveConfig s3Index = S3TestServer.config().withIndex(IndexLocation.S3);
      assertThat(StorageCheck.serves(s3Index, results)).isFalse();
      assertThat(StorageCheck.report(s3Index, results)).contains("FAILED: do not use this store")
          .contains("per-file with ARCHIVE_INDEX=s3: no (it relies on conditional writes this store does not keep)")
          .contains("single-file: no (it relies on conditional writes");
      // The PostgreSQL index orders writes itself: the same store serves it.
      S3ArchiveConfig databaseIndex = S3TestServer.config().withIndex(IndexLocation.POSTGRES);
      assertThat(StorageCheck.serves(databaseIndex, results)).isTrue();
      assertThat(StorageCheck.report(databaseIndex, results)).contains("per-file with ARCHIVE_INDEX=postgres: yes")
          .contains("OK: this store keeps every guarantee per-file with ARCHIVE_INDEX=postgres relies on");
    }
  }
}
