package dev.convoarchive.http.api;

import dev.convoarchive.s3.ConflictListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The service's Prometheus metrics: HTTP requests and latencies by route and status, S3 requests
 * and latencies by operation and outcome, and conditional-write retries.
 */
public final class Metrics {

  private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("convo-archive.started");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter casRetries = Counter.builder("archive_cas_retries")
      .description("conditional writes that lost a race and were retried").register(registry);

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  public ConflictListener conflictListener() {
    return key -> casRetries.increment();
  }

  void recordHttp(String method, String route, int status, long nanos) {
    Timer.builder("http_server_requests").description("HTTP requests served")
        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
        .publishPercentileHistogram(false)
        .register(registry).record(Duration.ofNanos(nanos));
  }

  /** Counts and times every S3 request the SDK makes, retries included. */
  public ExecutionInterceptor s3Interceptor() {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
      }

      @Override
      public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        record(attributes, Integer.toString(context.httpResponse().statusCode()));
      }

      @Override
      public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.httpResponse().isEmpty()) {
          record(attributes, "no-response");
        }
      }

      private void record(ExecutionAttributes attributes, String status) {
        Long started = attributes.getAttribute(STARTED);
        Timer.builder("s3_requests").description("S3 requests made")
            .tag("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            .tag("status", status)
            .register(registry)
            .record(Duration.ofNanos(started == null ? 0 : System.nanoTime() - started));
      }
    };
  }
}
