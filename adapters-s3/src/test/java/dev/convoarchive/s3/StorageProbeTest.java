package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

class StorageProbeTest {

  /** Plays a store that ignores conditional headers, as some S3-compatible stores silently do. */
  static final class StripConditionalHeaders implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      return context.httpRequest().toBuilder().removeHeader("If-None-Match").removeHeader("If-Match").build();
    }
  }

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
    try (S3Client client = S3TestServer.newClient(new StripConditionalHeaders())) {
      StorageProbe probe = new StorageProbe(client, S3TestServer.config());

      assertThatThrownBy(probe::verify)
          .isInstanceOf(StorageProbe.Failure.class)
          .hasMessageContaining("create-only writes (If-None-Match: *) are ignored")
          .hasMessageContaining("compare-and-swap writes (If-Match) are ignored")
          .satisfies(e -> assertThat(((StorageProbe.Failure) e).problems()).hasSize(2));
    }
  }

  @Test
  void failsWhenTheBucketDoesNotExist() {
    try (S3Client client = S3TestServer.newClient()) {
      S3ArchiveConfig missing = new S3ArchiveConfig("no-such-bucket-here", S3ArchiveConfig.DEFAULT_PREFIX,
          S3TestServer.config().endpoint(), true, "us-east-1", ArchiveLayout.PER_FILE, Compression.GZIP, 3);

      assertThatThrownBy(() -> new StorageProbe(client, missing).verify())
          .hasMessageContaining("bucket no-such-bucket-here does not exist");
    }
  }
}
