package dev.convoarchive.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.convoarchive.domain.port.ReadinessCheck;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Health, metrics and the API document: the routes operators and tools use. */
public final class OpsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  private final List<ReadinessCheck> readiness;
  private final Metrics metrics;
  private final ObjectMapper json;
  private final byte[] openApi;

  @Inject
  public OpsRoutes(Set<ReadinessCheck> readiness, Metrics metrics, ObjectMapper json) {
    this.readiness = readiness.stream().sorted(Comparator.comparing(ReadinessCheck::name)).toList();
    this.metrics = metrics;
    this.json = json;
    this.openApi = resource("/openapi.json");
  }

  /** The operators' routes; /metrics only when {@code withMetrics} (else it has a port of its own). */
  public void register(RoutesConfig routes, boolean withMetrics) {
    ArchiveRoutes.getAndHead(routes, "/health/live", ctx -> respond(ctx, 200, new Views.Health("up", Map.of())));
    ArchiveRoutes.getAndHead(routes, "/health/ready", this::ready);
    if (withMetrics) {
      registerMetrics(routes);
    }
    ArchiveRoutes.getAndHead(routes, "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
  }

  public void registerMetrics(RoutesConfig routes) {
    ArchiveRoutes.getAndHead(routes, "/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }

  /** Ready when every critical dependency answers; otherwise 503, naming which did not. */
  private void ready(Context ctx) throws IOException {
    Map<String, String> checks = new LinkedHashMap<>();
    boolean up = true;
    for (ReadinessCheck check : readiness) {
      String state = check(check);
      checks.put(check.name(), state);
      up &= !check.critical() || state.equals("up");
    }
    if (!up) {
      ctx.header("Retry-After", Problems.RETRY_AFTER_SECONDS);
    }
    respond(ctx, up ? 200 : 503, new Views.Health(up ? "up" : "down", checks));
  }

  /**
   * The reason goes to the log only (it can name hosts, the pool and its statistics), except a
   * non-critical check's own report, which is written for this answer (the sweeper's "stuck").
   */
  private static String check(ReadinessCheck check) {
    try {
      check.check();
      return "up";
    } catch (Exception e) {
      LOG.warn("readiness check {} failed: {}", check.name(), e.toString());
      return check.critical() ? "down" : e.getMessage();
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
