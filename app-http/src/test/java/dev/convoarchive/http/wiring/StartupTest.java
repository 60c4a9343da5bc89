package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.UnsafeStorageException;
import dev.convoarchive.s3.testing.Faults;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StartupTest {

  /** The S3 index and single-file rely on conditional writes: on a store that ignores them, no start. */
  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, names = {"PER_FILE_S3_INDEX", "SINGLE_FILE"})
  void aStoreThatIgnoresConditionalWritesStopsStartUpBeforeThePortOpens(StorageVariant variant) throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (Tokens tokens = new Tokens()) {
      AppConfig config = TestService.config(variant, tokens).withPort(port);

      assertThatThrownBy(() -> TestService.start(config, List.of(new Faults().ignoreConditions(true))))
          .isInstanceOf(UnsafeStorageException.class)
          .hasMessageContaining("If-None-Match")
          .hasMessageContaining("If-Match")
          .hasMessageContaining("per-file with ARCHIVE_INDEX=postgres does not");

      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens").isInstanceOf(IOException.class);
    }
  }

  /** The PostgreSQL index orders writes itself, so the same store is fine for it. */
  @Test
  void thePostgresIndexStartsOnAStoreThatIgnoresConditionalWrites() {
    try (Tokens tokens = new Tokens();
        TestService service = TestService.start(TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens),
            List.of(new Faults().ignoreConditions(true)))) {
      assertThat(service.send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWorkingStoreStartsTheService() {
    try (Tokens tokens = new Tokens(); TestService service = TestService.start(StorageVariant.SINGLE_FILE, tokens)) {
      assertThat(service.send("GET", "/health/live", null).statusCode()).isEqualTo(200);
    }
  }
}
