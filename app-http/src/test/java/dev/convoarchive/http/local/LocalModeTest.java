package dev.convoarchive.http.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ConfigException;
import dev.convoarchive.http.local.LocalMode;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.Network;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing configured: the service runs on its own embedded stores, and what it archived survives a restart. */
class LocalModeTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void startsWithDemoDataAndKeepsArchivesAcrossARestart(@TempDir Path data) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("PORT", "0");
    properties.setProperty("DATA_DIR", data.toString());
    String serviceKey = dev.convoarchive.http.config.ServiceKeyHash.newKey();
    properties.setProperty("SERVICE_KEY_HASHES", dev.convoarchive.http.config.ServiceKeyHash.of(serviceKey).toString());
    AppConfig config = AppConfig.load(Map.of(), properties);
    String first = LocalMode.DEMO_CONVERSATIONS.get(0).value();

    LocalMode.Running running = LocalMode.start(config);
    try {
      String banner = running.banner();
      assertThat(banner).contains("export TOKEN=" + running.userToken()).contains("/conversations/" + first + "/archive")
          .contains("has 2 live conversations and 1 archived")
          .contains("/health/live\n").contains("/metrics\n").contains("/openapi.json\n");
      assertThat(banner.strip()).as("the run ends with something a person can look at")
          .endsWith("/archived-chats/#access_token=" + running.userToken());
      assertThat(get(running, "/archived-chats/", null).body()).contains("<title>Archived chats</title>");
      HttpResponse<String> archived = post(running, "/v1/users/me/conversations/" + first + "/archive", running.userToken());
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      HttpResponse<String> asService = get(running, "/v1/users/" + LocalMode.DEMO_USER + "/archive", running.serviceToken());
      assertThat(asService.body()).contains(first);
      HttpResponse<String> asServiceKey = get(running, "/v1/users/" + LocalMode.DEMO_USER + "/archive", serviceKey);
      assertThat(asServiceKey.statusCode()).as("a configured service key works locally too: " + asServiceKey.body())
          .isEqualTo(200);

      // The walkthrough's plain SQL delete, as the chat app would run it: archived within seconds.
      String second = LocalMode.DEMO_CONVERSATIONS.get(1).value();
      assertThat(banner).contains(running.databaseUrl()).contains(running.demoDelete());
      try (java.sql.Connection connection = java.sql.DriverManager.getConnection(running.database().jdbcUrl(),
          running.database().user(), running.database().password())) {
        assertThat(connection.createStatement().executeUpdate(running.demoDelete())).isEqualTo(1);
      }
      Polling.await("the deleted demo conversation is archived",
          () -> status(running, "/v1/users/me/archive/" + second, running.userToken()) == 200);

      // A second instance on the same data is refused before it touches anything, saying why.
      assertThatThrownBy(() -> LocalMode.start(config)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("DATA_DIR: " + data.toAbsolutePath() + " is in use by another convo-archive in local mode")
          .hasMessageContaining("(process " + ProcessHandle.current().pid() + ")");
      assertThat(status(running, "/health/ready", null)).as("the first one runs on").isEqualTo(200);

      // The embedded stores trust anyone who reaches them: loopback only.
      int s3Port = running.servers().stream().filter(EmbeddedS3.class::isInstance).map(EmbeddedS3.class::cast)
          .findFirst().orElseThrow().endpoint().getPort();
      int postgresPort = URI.create(running.database().jdbcUrl().substring("jdbc:".length())).getPort();
      for (int port : new int[] {s3Port, postgresPort}) {
        assertThat(Network.accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
        Optional<InetAddress> outside = Network.outsideAddress();
        if (outside.isPresent()) {
          assertThat(Network.accepts(outside.get(), port)).as("port " + port + " on " + outside.get()).isFalse();
        }
      }
    } finally {
      running.close();
    }

    LocalMode.Running again = LocalMode.start(config);
    try {
      assertThat(again.secret()).as("the secret is kept, so printed tokens stay valid").isEqualTo(running.secret());
      assertThat(again.banner()).as("the banner tells what there is now, not what there was at first")
          .contains("has 0 live conversations and 3 archived");
      HttpResponse<String> listed = get(again, "/v1/users/me/archive", again.userToken());
      JsonNode items = Json.json(listed).get("items");
      assertThat(items.findValuesAsText("id")).as("the one archived here, the one deleted by SQL, and the demo's third")
          .containsExactlyInAnyOrder(first, LocalMode.DEMO_CONVERSATIONS.get(1).value(),
              LocalMode.DEMO_CONVERSATIONS.get(2).value());
      assertThat(post(again, "/v1/users/me/conversations/" + first + "/archive", again.userToken()).statusCode())
          .as("the demo data is not loaded again over what was archived").isEqualTo(200);
    } finally {
      again.close();
    }
  }

  private static int status(LocalMode.Running running, String path, String token) {
    try {
      return get(running, path, token).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(LocalMode.Running running, String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.app().port() + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LocalMode.Running running, String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.app().port() + path))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
