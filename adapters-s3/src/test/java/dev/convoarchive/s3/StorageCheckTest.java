package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.s3.testing.Faults;
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
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-bad"), 4, 5).run();

      assertThat(results.get(0).passed()).isTrue();
      assertThat(results.get(1).passed()).isFalse();
      assertThat(results.get(1).detail()).contains("create-only writes (If-None-Match: *) are ignored");
      assertThat(results.get(2).passed()).isFalse();
      assertThat(results.get(2).detail()).contains("compare-and-swap writes (If-Match) are ignored");
      assertThat(results.get(5).passed()).isFalse();
      assertThat(results.get(5).detail()).contains("acknowledged updates were lost");
      S3ArchiveConfig s3Index = S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX);
      assertThat(StorageCheck.serves(s3Index, results)).isFalse();
      assertThat(StorageCheck.report(s3Index, results)).contains("FAILED: do not use this store")
          .contains("per-file with ARCHIVE_INDEX=s3: no (it relies on conditional writes this store does not keep)")
          .contains("single-file: no (it relies on conditional writes");
      // The PostgreSQL index orders writes itself: the same store serves it.
      S3ArchiveConfig databaseIndex = S3TestServer.config().withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX);
      assertThat(StorageCheck.serves(databaseIndex, results)).isTrue();
      assertThat(StorageCheck.report(databaseIndex, results)).contains("per-file with ARCHIVE_INDEX=postgres: yes")
          .contains("OK: this store keeps every guarantee per-file with ARCHIVE_INDEX=postgres relies on");
    }
  }

  @Test
  void aStoreThatChecksConditionsAndWritesInTwoStepsPassesEachConditionButLosesContendedUpdates() {
    try (S3Client checker = S3TestServer.newClient();
        S3Client client = S3TestServer.newClient(new Faults().checkThenWrite(checker, S3TestServer.BUCKET))) {
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-racy"), 4, 5).run();

      assertThat(results.subList(0, 5)).allSatisfy(r -> assertThat(r.passed()).as(r.name() + ": " + r.detail()).isTrue());
      assertThat(results.get(5).passed()).isFalse();
      assertThat(results.get(5).detail()).contains("acknowledged updates were lost");
      assertThat(StorageCheck.report(S3TestServer.config().withVariant(StorageVariant.SINGLE_FILE), results))
          .contains("FAILED: do not use this store with single-file")
          .contains("contended compare-and-swap")
          .contains("two machines changing one user's file at once could drop a conversation");
    }
  }

  @Test
  void aReadThatReturnsBytesNoWriterWroteIsAVerdictNotACrash() {
    // s3rver answers an empty body while it rewrites an object.
    try (S3Client client = S3TestServer.newClient(new Faults().emptyReads(key -> key.endsWith("counter.json")))) {
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-torn"), 4, 5).run();

      StorageCheck.Result contended = results.get(5);
      assertThat(contended.passed()).isFalse();
      assertThat(contended.detail()).contains("returned \"\"", "no writer wrote").doesNotContain("Exception");
    }
  }

  @Test
  void aFailingListingIsNamedWithWhatItCostsTheLayoutNotAsLostWrites() {
    try (S3Client client = S3TestServer.newClient(new Faults().failOperation("ListObjectsV2"))) {
      List<StorageCheck.Result> results = new StorageCheck(client, S3TestServer.config().withPrefix("check-list"), 4, 5).run();

      StorageCheck.Result listing = results.get(4);
      assertThat(listing.passed()).isFalse();
      assertThat(listing.detail()).startsWith("the store failed").contains("500");
      String report = StorageCheck.report(S3TestServer.config().withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX), results);
      assertThat(report).contains("FAILED: do not use this store with per-file with ARCHIVE_INDEX=postgres")
          .contains("listing across pages").contains("repair and export").doesNotContain("concurrent writers");
    }
  }

  @Test
  void aMissingBucketIsTheReasonGivenForEveryLayout() {
    try (S3Client client = S3TestServer.newClient()) {
      S3ArchiveConfig missing = S3TestServer.config().withBucket("no-such-bucket-here").withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX);
      List<StorageCheck.Result> results = new StorageCheck(client, missing, 4, 5).run();

      assertThat(results).hasSize(1);
      assertThat(results.get(0).passed()).isFalse();
      assertThat(StorageCheck.report(missing, results)).contains("bucket no-such-bucket-here does not exist")
          .contains("FAILED: do not use this store with per-file with ARCHIVE_INDEX=postgres: bucket no-such-bucket-here is reachable failed")
          .doesNotContain("concurrent writers");
    }
  }
}
