package dev.convoarchive.s3.embedded;

import com.adobe.testing.s3mock.S3MockApplication;
import dev.convoarchive.s3.S3ArchiveConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3-protocol server (Adobe S3Mock) in this JVM, for local mode, the bench and tests. It
 * honours conditional writes, which the storage probe checks like any other store.
 */
public final class EmbeddedS3 implements AutoCloseable {

  private final S3MockApplication server;
  private boolean closed;

  private EmbeddedS3(S3MockApplication server) {
    this.server = server;
  }

  /**
   * Starts a server on {@code port} (0 for a free one) holding {@code buckets}. With a
   * {@code root}, objects are kept there across restarts; without, in a temporary folder that is
   * removed on exit.
   */
  public static EmbeddedS3 start(int port, Path root, List<String> buckets) {
    // S3Mock is a Spring Boot app; next to another SLF4J binding Spring's logging setup fails.
    if (System.getProperty("org.springframework.boot.logging.LoggingSystem") == null) {
      System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }
    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, port);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, 0);
    properties.put(S3MockApplication.PROP_SILENT, true);
    properties.put("server.address", LoopbackOnly.ADDRESS); // the HTTPS connector; LoopbackOnly binds the HTTP one
    properties.put("com.adobe.testing.s3mock.store.initialBuckets", String.join(",", buckets));
    if (root != null) {
      properties.put("com.adobe.testing.s3mock.store.root", root.toAbsolutePath().toString());
      properties.put("com.adobe.testing.s3mock.store.retainFilesOnExit", true);
    }
    return new EmbeddedS3(S3MockApplication.start(properties,
        // Single-file archives grow past S3Mock's default 10 MB request limit.
        "--com.adobe.testing.s3mock.max-payload-size=512MB",
        "--spring.main.log-startup-info=false",
        // Closed by whoever started it, in order: Spring's own hook would close it first on
        // SIGTERM, and our close would then fail on the closed context.
        "--spring.main.register-shutdown-hook=false",
        "--spring.main.sources=" + AtomicConditionalWrites.class.getName() + "," + LoopbackOnly.class.getName()));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getHttpPort());
  }

  /** The defaults, pointed at this server with path-style access. */
  public S3ArchiveConfig config(String bucket) {
    return S3ArchiveConfig.forBucket(bucket).withEndpoint(endpoint(), true);
  }

  /** S3Mock accepts any credentials; the SDK insists on having some. */
  public static AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded"));
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop();
    }
  }
}
