package dev.convoarchive.http.wiring;

import dev.convoarchive.http.api.Metrics;
import dev.convoarchive.s3.ConflictListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The S3 adapter's metrics on the service's registry: every S3 request the SDK makes (retries
 * included) by operation and outcome, and every conditional write that lost a race.
 */
final class S3Metrics implements ExecutionInterceptor, ConflictListener {

  private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("convo-archive.started");

  private final MeterRegistry registry;
  private final Counter casRetries;

  @Inject
  S3Metrics(Metrics metrics) {
    this.registry = metrics.registry();
    this.casRetries = Counter.builder("archive_cas_retries")
        .description("conditional writes that lost a race and were retried").register(registry);
  }

  @Override
  public void retrying(String key) {
    casRetries.increment();
  }

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
}
