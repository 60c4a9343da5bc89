package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.s3.cas.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The embedded server must decide conditional writes atomically, as S3 does; the layouts' tests
 * prove nothing on a server that does not. These races are the ones S3Mock alone loses.
 */
class EmbeddedS3Test {

  @Test
  void concurrentCreatesOfOneKeyHaveExactlyOneWinner() throws Exception {
    try (S3Client client = S3TestServer.newClient()) {
      ObjectStore store = new ObjectStore(client, S3TestServer.BUCKET, false);
      String key = "embedded-test/" + UUID.randomUUID();

      List<Boolean> won = Concurrently.run(16, t -> () ->
          List.of(store.create(key, ("{\"writer\":" + t + "}").getBytes(StandardCharsets.UTF_8)).isPresent()));

      assertThat(won).filteredOn(w -> w).hasSize(1);
    }
  }

  @Test
  void contendedCompareAndSwapKeepsEveryIncrement() throws Exception {
    try (S3Client client = S3TestServer.newClient()) {
      ObjectStore store = new ObjectStore(client, S3TestServer.BUCKET, false);
      String key = "embedded-test/" + UUID.randomUUID();
      store.create(key, "0".getBytes(StandardCharsets.UTF_8));

      // No in-process queue here: every thread races through CAS alone, as separate machines would.
      List<Integer> attempts = Concurrently.run(8, t -> () -> {
        List<Integer> tries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          int tried = 0;
          Optional<String> written = Optional.empty();
          while (written.isEmpty()) {
            tried++;
            ObjectStore.Versioned current = store.read(key).orElseThrow();
            int value = Integer.parseInt(new String(current.bytes(), StandardCharsets.UTF_8));
            written = store.replace(key, Integer.toString(value + 1).getBytes(StandardCharsets.UTF_8), current.etag());
          }
          tries.add(tried);
        }
        return tries;
      });

      assertThat(new String(store.read(key).orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo("200");
      assertThat(attempts.stream().mapToInt(Integer::intValue).sum()).as("some writes lost a race").isGreaterThan(200);
    }
  }
}
