package dev.convoarchive.http.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An unreliable S3, played inside the SDK: a share of requests has its connection dropped before
 * it is sent, and another share is carried out by the server but answered with 503 SlowDown or
 * 500 InternalError, the nastier case, since the work was done and the client does not know.
 */
public final class Chaos implements ExecutionInterceptor {

  private static final ExecutionAttribute<String> REPLACED = new ExecutionAttribute<>("chaos.replaced");

  private volatile double rate;
  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong slowDown = new AtomicLong();
  public final AtomicLong internalError = new AtomicLong();

  /** Sets the share of requests that fail, 0 to 1; half are dropped, half answered with an error. */
  public void rate(double rate) {
    this.rate = rate;
  }

  public long injected() {
    return dropped.get() + slowDown.get() + internalError.get();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    requests.incrementAndGet();
    boolean streamed = "GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    if (ThreadLocalRandom.current().nextDouble() < (streamed ? rate : rate / 2)) {
      dropped.incrementAndGet();
      throw SdkClientException.builder().message("chaos: connection dropped")
          .cause(new IOException("Connection reset by peer")).build();
    }
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    // A streamed GetObject body is handed on before a replaced status is looked at, so an error
    // there would reach the caller as a corrupt object, which S3 never sends. GETs get dropped
    // connections instead.
    boolean streamed = "GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    if (streamed || ThreadLocalRandom.current().nextDouble() >= rate / 2) {
      return context.httpResponse();
    }
    boolean slow = ThreadLocalRandom.current().nextBoolean();
    (slow ? slowDown : internalError).incrementAndGet();
    String code = slow ? "SlowDown" : "InternalError";
    attributes.putAttribute(REPLACED, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
        + "</Code><Message>chaos</Message><RequestId>chaos</RequestId></Error>");
    return context.httpResponse().toBuilder().statusCode(slow ? 503 : 500).statusText(slow ? "Slow Down" : "Internal Error")
        .removeHeader("Content-Length").removeHeader("Content-Encoding").removeHeader("ETag").build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    String replaced = attributes.getAttribute(REPLACED);
    if (replaced != null) {
      return Optional.of(new ByteArrayInputStream(replaced.getBytes(StandardCharsets.UTF_8)));
    }
    return context.responseBody();
  }
}
