package dev.convoarchive.s3.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The one fault-injecting interceptor of the tests: an unreliable or unsafe S3, played inside the
 * SDK. Each kind of fault is off until asked for:
 *
 * <ul>
 *   <li>{@link #ignoreConditions}: the store silently ignores {@code If-None-Match}/{@code If-Match},
 *       as some S3-compatible stores do;
 *   <li>{@link #checkThenWrite}: the store checks {@code If-Match}/{@code If-None-Match} and then
 *       writes, in two steps, as S3Proxy's filesystem backend and s3rver do: each condition holds
 *       when tried alone, but two writers that pass one check both write, and one update is lost;
 *   <li>{@link #staleIfMatch}: matching PUTs carry a stale ETag, so every conditional write loses;
 *   <li>{@link #failNextPut}: the next matching PUT fails before it is sent, as a crash would: the
 *       SDK does not retry it;
 *   <li>{@link #failOperation}: every request of one operation (e.g. {@code ListObjectsV2}) is
 *       answered 500 InternalError;
 *   <li>{@link #emptyReads}: GETs of matching keys answer an empty body, as s3rver does while it
 *       rewrites a file;
 *   <li>{@link #unreachable}: every request fails before it is sent (the store is down);
 *   <li>{@link #rate}: a share of all requests has its connection dropped, or is carried out by the
 *       server but answered with 503 SlowDown or 500 InternalError (the work was done and the client
 *       does not know).
 * </ul>
 */
public final class Faults implements ExecutionInterceptor {

  private static final ExecutionAttribute<String> REPLACED = new ExecutionAttribute<>("faults.replaced");

  private volatile boolean ignoreConditions;
  private volatile S3Client checker;
  private volatile String checkedBucket;
  private final CyclicBarrier checkedTogether = new CyclicBarrier(2);
  private volatile Predicate<String> staleIfMatch = key -> false;
  private final AtomicReference<Predicate<String>> failNextPut = new AtomicReference<>();
  private volatile double rate;
  private volatile String failedOperation = "";
  private volatile Predicate<String> emptyReads = key -> false;
  private volatile boolean unreachable;
  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong slowDown = new AtomicLong();
  public final AtomicLong internalError = new AtomicLong();

  /** Strips conditional headers from every request from now on (or stops, with false). */
  public Faults ignoreConditions(boolean ignore) {
    this.ignoreConditions = ignore;
    return this;
  }

  /**
   * Decides conditional PUTs in two steps from now on: a HEAD through {@code checker} (a client
   * without these faults), then, if the condition held, the PUT without its condition. Two
   * writers that checked at the same time both write: each waits up to 50 ms after its check for
   * another to have checked too, so the race happens whenever two writers contend, not by chance.
   */
  public Faults checkThenWrite(S3Client checker, String bucket) {
    this.checkedBucket = bucket;
    this.checker = checker;
    return this;
  }

  /** PUTs of keys matching {@code keys} carry {@code If-Match: "stale"} from now on. */
  public Faults staleIfMatch(Predicate<String> keys) {
    this.staleIfMatch = keys;
    return this;
  }

  /** Fails the next PUT whose key matches before anything is sent, beyond the SDK's retries. */
  public Faults failNextPut(Predicate<String> keys) {
    failNextPut.set(keys);
    return this;
  }

  /** True while a {@link #failNextPut} has not yet fired. */
  public boolean armed() {
    return failNextPut.get() != null;
  }

  /** Answers every request of {@code operation} (the SDK's name, e.g. ListObjectsV2) with 500. */
  public Faults failOperation(String operation) {
    this.failedOperation = operation;
    return this;
  }

  /** GETs of keys matching {@code keys} answer 200 with an empty body from now on. */
  public Faults emptyReads(Predicate<String> keys) {
    this.emptyReads = keys;
    return this;
  }

  /** While true, every request fails before anything is sent. */
  public Faults unreachable(boolean down) {
    this.unreachable = down;
    return this;
  }

  /** Sets the share of requests that fail, 0 to 1; half are dropped, half answered with an error. */
  public Faults rate(double rate) {
    this.rate = rate;
    return this;
  }

  public long injected() {
    return dropped.get() + slowDown.get() + internalError.get();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    requests.incrementAndGet();
    if (unreachable) {
      dropped.incrementAndGet();
      throw SdkClientException.create("injected: the store cannot be reached");
    }
    Predicate<String> next = failNextPut.get();
    if (next != null && context.request() instanceof PutObjectRequest put && next.test(put.key())
        && failNextPut.compareAndSet(next, null)) {
      dropped.incrementAndGet();
      throw SdkClientException.create("injected: the upload of " + put.key() + " broke off");
    }
    boolean streamed = isGet(attributes);
    if (rate > 0 && ThreadLocalRandom.current().nextDouble() < (streamed ? rate : rate / 2)) {
      dropped.incrementAndGet();
      throw dropped();
    }
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest request = context.httpRequest();
    if (ignoreConditions) {
      return request.toBuilder().removeHeader("If-None-Match").removeHeader("If-Match").build();
    }
    if (checker != null && context.request() instanceof PutObjectRequest put && (put.ifMatch() != null || put.ifNoneMatch() != null)) {
      return checkThenWrite(put, request);
    }
    if (context.request() instanceof PutObjectRequest put && staleIfMatch.test(put.key())) {
      return request.toBuilder().removeHeader("If-None-Match").putHeader("If-Match", "\"stale\"").build();
    }
    return request;
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (operation.equals(failedOperation)) {
      internalError.incrementAndGet();
      return replaced(context, attributes, false);
    }
    if (context.request() instanceof GetObjectRequest get && emptyReads.test(get.key())) {
      attributes.putAttribute(REPLACED, "");
      SdkHttpResponse.Builder response = context.httpResponse().toBuilder().removeHeader("Content-Length");
      context.httpResponse().headers().keySet().stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("x-amz-checksum"))
          .forEach(response::removeHeader);
      return response.putHeader("Content-Length", "0").build();
    }
    // A streamed GetObject body is handed on before a replaced status is looked at, so an error
    // there would reach the caller as a corrupt object, which S3 never sends. GETs get dropped
    // connections instead.
    if (rate == 0 || isGet(attributes) || ThreadLocalRandom.current().nextDouble() >= rate / 2) {
      return context.httpResponse();
    }
    boolean slow = ThreadLocalRandom.current().nextBoolean();
    (slow ? slowDown : internalError).incrementAndGet();
    return replaced(context, attributes, slow);
  }

  /** Replaces the answer with S3's 503 SlowDown or 500 InternalError. */
  private static SdkHttpResponse replaced(Context.ModifyHttpResponse context, ExecutionAttributes attributes, boolean slow) {
    String code = slow ? "SlowDown" : "InternalError";
    attributes.putAttribute(REPLACED, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
        + "</Code><Message>injected</Message><RequestId>injected</RequestId></Error>");
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

  private SdkHttpRequest checkThenWrite(PutObjectRequest put, SdkHttpRequest request) {
    String current;
    try {
      current = checker.headObject(b -> b.bucket(checkedBucket).key(put.key())).eTag();
    } catch (NoSuchKeyException e) {
      current = null;
    }
    boolean holds = put.ifNoneMatch() != null ? current == null : put.ifMatch().equals(current);
    try {
      checkedTogether.await(50, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | BrokenBarrierException e) {
      checkedTogether.reset(); // nobody else was checking: this writer goes on alone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A failed check is left to the server, which refuses the unchanged condition.
    return holds ? request.toBuilder().removeHeader("If-None-Match").removeHeader("If-Match").build() : request;
  }

  private static boolean isGet(ExecutionAttributes attributes) {
    return "GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  private static SdkClientException dropped() {
    return SdkClientException.builder().message("injected: connection dropped")
        .cause(new IOException("Connection reset by peer")).build();
  }
}
