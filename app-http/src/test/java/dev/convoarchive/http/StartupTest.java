package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.ArchiveLayout;
import dev.convoarchive.s3.UnsafeStorageException;
import dev.convoarchive.s3.testing.Faults;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

class StartupTest {

  @Test
  void aStoreThatIgnoresConditionalWritesStopsStartUpBeforeThePortOpens() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (Tokens tokens = new Tokens()) {
      AppConfig config = TestService.config(ArchiveLayout.PER_FILE, tokens).withPort(port);

      assertThatThrownBy(() -> TestService.start(config, List.of(new Faults().ignoreConditions(true))))
          .isInstanceOf(UnsafeStorageException.class)
          .hasMessageContaining("If-None-Match")
          .hasMessageContaining("If-Match");

      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens").isInstanceOf(IOException.class);
    }
  }

  @Test
  void aWorkingStoreStartsTheService() {
    try (Tokens tokens = new Tokens(); TestService service = TestService.start(ArchiveLayout.SINGLE_FILE, tokens)) {
      assertThat(service.send("GET", "/health/live", null).statusCode()).isEqualTo(200);
    }
  }
}
