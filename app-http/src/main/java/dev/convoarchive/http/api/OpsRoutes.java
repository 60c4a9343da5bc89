package dev.convoarchive.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.port.ReadinessCheck;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Health, metrics and the API document: the routes operators and tools use. */
public final class OpsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  /**
   * The longest /health/ready takes, whatever the checks wait on: load balancers probe with
   * timeouts of a few seconds, and a check queued behind requests stuck on a frozen database
   * would otherwise take the store's own timeout (15 s) to say "down".
   */
  static final Duration READINESS_BOUND = Duration.ofSeconds(2);

  private final List<ReadinessCheck> readiness;
  /** Checks run here, so that the bound holds; one at a time per check, so stuck ones do not pile up. */
  private final ExecutorService checking = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "readiness-check");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();
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

  /**
   * Ready when every critical dependency answers within {@link #READINESS_BOUND}; otherwise 503,
   * naming which did not. The checks run at once; one still running from an earlier probe is
   * waited on again rather than started twice.
   */
  private void ready(Context ctx) throws IOException {
    long deadline = System.nanoTime() + READINESS_BOUND.toNanos();
    Map<ReadinessCheck, Future<?>> started = new LinkedHashMap<>();
    for (ReadinessCheck check : readiness) {
      started.put(check, inFlight.compute(check.name(), (name, earlier) -> earlier != null && !earlier.isDone() ? earlier
          : checking.submit(() -> {
            check.check();
            return null;
          })));
    }
    Map<String, String> checks = new LinkedHashMap<>();
    boolean up = true;
    for (Map.Entry<ReadinessCheck, Future<?>> entry : started.entrySet()) {
      String state = outcome(entry.getKey(), entry.getValue(), deadline);
      checks.put(entry.getKey().name(), state);
      up &= !entry.getKey().critical() || state.equals("up");
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
  private static String outcome(ReadinessCheck check, Future<?> running, long deadline) {
    try {
      running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return "up";
    } catch (TimeoutException e) {
      LOG.warn("readiness check {} did not answer within {} ms", check.name(), READINESS_BOUND.toMillis());
      return check.critical() ? "down" : "no answer within " + READINESS_BOUND.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "down";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      LOG.warn("readiness check {} failed: {}", check.name(), cause.toString());
      return check.critical() ? "down" : cause.getMessage();
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
