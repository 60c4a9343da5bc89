package dev.convoarchive.http.support;

import dev.convoarchive.supabase.SupabaseDbConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service run as a child process (killed, signalled, or run as a command) by the tests that need a real process. */
public final class ChildProcesses {

  /** Child JVMs start faster on the first JIT tier; they run seconds, not hours. */
  public static final String CHILD_JIT = "-XX:TieredStopAtLevel=1";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ChildProcesses() {}

  /** The settings that point a child service at the shared test bucket and {@code db}. */
  public static void putStores(Map<String, String> env, SupabaseDbConfig db) {
    env.put("S3_BUCKET", TestStores.BUCKET);
    env.put("S3_ENDPOINT", TestStores.s3().endpoint().toString());
    env.put("S3_PATH_STYLE", "true");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "embedded");
    env.put("AWS_SECRET_ACCESS_KEY", "embedded");
    env.put("SUPABASE_DB_URL", db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password());
    env.put("SUPABASE_JWT_SECRET", Tokens.SECRET);
  }

  /** Waits until the child answers /health/ready, failing if it exits first or takes 60 s. */
  public static void awaitReady(int port, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("the service exited with " + child.exitValue() + " before it was ready");
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100); // polling a starting process: there is nothing to wait on instead
      }
    }
    throw new AssertionError("the service did not become ready in 60 s");
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
