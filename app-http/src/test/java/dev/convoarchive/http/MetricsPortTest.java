package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.http.support.Variant;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** METRICS_PORT: /metrics for a scraper on a private network, and no longer on the public port. */
class MetricsPortTest {

  private static final Tokens tokens = Tokens.shared();

  @Test
  void metricsMoveToTheirOwnPort() {
    AppConfig base = TestService.config(Variant.PER_FILE_POSTGRES_INDEX, tokens);
    try (TestService service = TestService.start(base.withWeb(base.web().withMetricsPort(Optional.of(0))), List.of())) {
      int metricsPort = service.app().metricsPort();
      assertThat(metricsPort).isNotEqualTo(service.app().port());
      service.send("GET", "/v1/users/me/archive", null); // counted, then scraped on the other port

      HttpResponse<String> scraped = service.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build());
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.body()).contains("http_server_requests").contains("status=\"401\"");

      HttpResponse<String> publicPort = service.send("GET", "/metrics", null);
      assertThat(publicPort.statusCode()).isEqualTo(404);
      HttpResponse<String> otherRoute = service.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/v1/users/me/archive")).build());
      assertThat(otherRoute.statusCode()).isEqualTo(404);
      assertThat(service.send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void byDefaultMetricsAreOnTheServicesPort() {
    try (TestService service = TestService.start(TestService.config(Variant.PER_FILE_POSTGRES_INDEX, tokens), List.of())) {
      assertThat(service.app().metricsPort()).isEqualTo(service.app().port());
      assertThat(service.send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    }
  }
}
