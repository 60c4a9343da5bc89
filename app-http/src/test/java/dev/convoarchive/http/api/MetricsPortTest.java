package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.Network;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** METRICS_PORT: /metrics for a scraper on a private network, and no longer on the public port. */
class MetricsPortTest {

  private static final Tokens tokens = Tokens.shared();

  @Test
  void metricsMoveToTheirOwnPort() {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
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
    try (TestService service = TestService.start(TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens), List.of())) {
      assertThat(service.app().metricsPort()).isEqualTo(service.app().port());
      assertThat(service.send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theMetricsPortListensOnLoopbackUnlessMetricsHostSaysOtherwise() throws Exception {
    Optional<InetAddress> outside = Network.outsideAddress();
    Assumptions.assumeTrue(outside.isPresent(), "this machine has no address but loopback");
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    AppConfig metricsPort = base.withWeb(base.web().withMetricsPort(Optional.of(0)));
    try (TestService service = TestService.start(metricsPort, List.of())) {
      int port = service.app().metricsPort();
      assertThat(Network.accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
      assertThat(Network.accepts(outside.get(), port)).as("closed to " + outside.get().getHostAddress()).isFalse();
    }
    try (TestService service = TestService.start(metricsPort.withWeb(metricsPort.web().withMetricsHost("0.0.0.0")),
        List.of())) {
      assertThat(Network.accepts(outside.get(), service.app().metricsPort())).as("METRICS_HOST=0.0.0.0 opens it").isTrue();
    }
  }

  @Test
  void noOtherSpellingOfTheMetricsPathIsServed() {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    try (TestService service = TestService.start(base, List.of())) {
      assertThat(service.send("GET", "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(service.send("GET", "/metrics/", null).statusCode()).isEqualTo(404);
      assertThat(service.send("GET", "/Metrics", null).statusCode()).isEqualTo(404);
    }
    try (TestService service = TestService.start(base.withWeb(base.web().withMetricsPort(Optional.of(0))), List.of())) {
      URI metrics = URI.create("http://127.0.0.1:" + service.app().metricsPort());
      assertThat(service.send(HttpRequest.newBuilder(metrics.resolve("/metrics/")).build()).statusCode()).isEqualTo(404);
      assertThat(service.send(HttpRequest.newBuilder(metrics.resolve("/metrics")).build()).statusCode()).isEqualTo(200);
    }
  }

  /**
   * deploy/nginx.conf keeps /metrics from the internet: every spelling nginx passes on as a
   * /metrics path meets a location that refuses it, by nginx's rules (an exact match, else the
   * longest prefix; nginx has already decoded %XX and merged slashes).
   */
  @Test
  void nginxRefusesEverySpellingOfTheMetricsPath() throws Exception {
    String conf = java.nio.file.Files.readString(java.nio.file.Path.of("../deploy/nginx.conf"));
    java.util.regex.Matcher location = java.util.regex.Pattern.compile("location\\s+(=\\s+)?(\\S+)\\s*\\{([^}]*)\\}")
        .matcher(conf);
    java.util.Map<String, String> exact = new java.util.HashMap<>();
    java.util.Map<String, String> prefix = new java.util.HashMap<>();
    while (location.find()) {
      (location.group(1) != null ? exact : prefix).put(location.group(2), location.group(3));
    }
    for (String path : List.of("/metrics", "/metrics/", "/metrics/x")) {
      String body = exact.containsKey(path) ? exact.get(path) : prefix.entrySet().stream()
          .filter(e -> path.startsWith(e.getKey())).max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
          .orElseThrow().getValue();
      assertThat(body).as(path).contains("return 404").doesNotContain("proxy_pass");
    }
  }
}
