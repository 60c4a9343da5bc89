package dev.convoarchive.http.api;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The service's Prometheus registry and its HTTP metrics (requests and latencies by route and
 * status). Adapters' metrics (S3 requests, conditional-write retries) are hooked onto the same
 * registry by the wiring.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  /** One timer per method, route and status, built once: building one per request showed in the profile. */
  private final Map<String, Timer> httpTimers = new ConcurrentHashMap<>();

  void recordHttp(String method, String route, int status, long nanos) {
    httpTimers.computeIfAbsent(method + ' ' + route + ' ' + status, key -> Timer.builder("http_server_requests")
        .description("HTTP requests served")
        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
        .publishPercentileHistogram(false)
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }
}
