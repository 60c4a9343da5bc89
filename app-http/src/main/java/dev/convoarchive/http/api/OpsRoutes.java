package dev.convoarchive.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.services.s3.S3Client;
import dev.convoarchive.s3.S3ArchiveConfig;

/** Health, metrics and the API document: the routes operators and tools use. */
public final class OpsRoutes {

  private final S3Client s3;
  private final S3ArchiveConfig s3Config;
  private final DataSource database;
  private final Metrics metrics;
  private final ObjectMapper json;
  private final byte[] openApi;

  @Inject
  public OpsRoutes(S3Client s3, S3ArchiveConfig s3Config, DataSource database, Metrics metrics, ObjectMapper json) {
    this.s3 = s3;
    this.s3Config = s3Config;
    this.database = database;
    this.metrics = metrics;
    this.json = json;
    this.openApi = resource("/openapi.json");
  }

  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> respond(ctx, 200, new Views.Health("up", Map.of())));
    routes.get("/health/ready", this::ready);
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
  }

  /** Ready when both stores answer; otherwise 503, naming which did not. */
  private void ready(Context ctx) throws IOException {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("bucket", check(() -> s3.headBucket(b -> b.bucket(s3Config.bucket()))));
    checks.put("database", check(() -> {
      try (Connection connection = database.getConnection()) {
        if (!connection.isValid(2)) {
          throw new IllegalStateException("connection is not valid");
        }
      }
    }));
    boolean up = checks.values().stream().allMatch("up"::equals);
    if (!up) {
      ctx.header("Retry-After", Problems.RETRY_AFTER_SECONDS);
    }
    respond(ctx, up ? 200 : 503, new Views.Health(up ? "up" : "down", checks));
  }

  private interface Check {
    void run() throws Exception;
  }

  private static String check(Check check) {
    try {
      check.run();
      return "up";
    } catch (Exception e) {
      return "down: " + e.getClass().getSimpleName();
    }
  }

  private void respond(Context ctx, int status, Object body) throws IOException {
    ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
