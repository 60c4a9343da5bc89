package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

class GracefulShutdownTest {

  /** Holds the first archive read (of the S3 index, which a listing reads) until released, so a request is surely in flight. */
  static final class HoldFirstRead implements ExecutionInterceptor {
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean armed; // not during start-up, whose storage probe reads too

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (armed && context.request() instanceof GetObjectRequest && reading.getCount() > 0) {
        reading.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void aRequestInFlightWhenStopIsCalledStillCompletes() throws Exception {
    HoldFirstRead hold = new HoldFirstRead();
    try (Tokens tokens = new Tokens()) {
      TestService service = TestService.start(TestService.config(StorageVariant.PER_FILE_S3_INDEX, tokens), List.of(hold));
      String token = tokens.hs256(tokens.userClaims(UserId.random()));
      hold.armed = true;
      CompletableFuture<HttpResponse<String>> inFlight =
          CompletableFuture.supplyAsync(() -> service.send("GET", "/v1/users/me/archive", token));
      assertThat(hold.reading.await(30, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(service::close);
      awaitRefusingConnections(service.app().port());
      hold.release.countDown();

      assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      stopping.get(30, TimeUnit.SECONDS);
    }
  }

  /** Stopping has begun once the port refuses new connections; the held request is still open. */
  private static void awaitRefusingConnections(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
        Thread.onSpinWait();
      } catch (java.io.IOException refused) {
        return;
      }
    }
    throw new AssertionError("the server kept accepting connections while stopping");
  }
}
