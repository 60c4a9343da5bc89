package dev.convoarchive.bench;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sees every S3 request the variants make: counts requests and bytes per SDK operation on the
 * calling thread (the sync client runs interceptors there), and applies the network model, the
 * same for every variant: half the round-trip time each way plus the bytes at the given bandwidth.
 */
final class Meter implements ExecutionInterceptor {

  /** What one thread sent and received since its last {@link #reset()}. */
  static final class Tally {
    final Map<String, Integer> requests = new TreeMap<>();
    long bytesUp;
    long bytesDown;

    int totalRequests() {
      return requests.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private final ThreadLocal<Tally> tally = ThreadLocal.withInitial(Tally::new);
  private final long halfRttNanos;
  private final double bytesPerNano;

  Meter(double rttMillis, double bandwidthMbps) {
    this.halfRttNanos = (long) (rttMillis * 1_000_000 / 2);
    this.bytesPerNano = bandwidthMbps <= 0 ? 0 : bandwidthMbps * 1_000_000 / 8 / 1e9;
  }

  Tally reset() {
    Tally fresh = new Tally();
    tally.set(fresh);
    return fresh;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    long bytes = length(context.httpRequest()).orElse(0L);
    Tally t = tally.get();
    t.requests.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
    t.bytesUp += bytes;
    delay(bytes);
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    long bytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
    tally.get().bytesDown += bytes;
    delay(bytes);
  }

  private void delay(long bytes) {
    long nanos = halfRttNanos + (bytesPerNano == 0 ? 0 : (long) (bytes / bytesPerNano));
    if (nanos > 0) {
      LockSupport.parkNanos(nanos);
    }
  }

  private static Optional<Long> length(SdkHttpRequest request) {
    // With a checksum trailer the SDK sends aws-chunked framing; the decoded length is the payload.
    return request.firstMatchingHeader("x-amz-decoded-content-length").or(() -> request.firstMatchingHeader("Content-Length"))
        .map(Long::parseLong);
  }
}
