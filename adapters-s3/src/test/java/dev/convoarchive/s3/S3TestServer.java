package dev.convoarchive.s3;

import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one embedded S3-protocol server of a test JVM (starting it takes seconds, so it is shared),
 * also for the modules that test on top of this one (this module's test-jar).
 */
public final class S3TestServer {

  public static final String BUCKET = "convo-archive-test";

  private static EmbeddedS3 server;

  private S3TestServer() {}

  public static synchronized EmbeddedS3 server() {
    if (server == null) {
      server = EmbeddedS3.start(0, null, List.of(BUCKET));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return server;
  }

  /**
   * The shared bucket with the S3 index: what this module can test on its own (the PostgreSQL
   * index is tested where the database is, and here through the in-memory catalog of record).
   */
  public static S3ArchiveConfig config() {
    return server().config(BUCKET).withVariant(StorageVariant.PER_FILE_S3_INDEX);
  }

  /** A client of its own, as another machine would have. */
  public static S3Client newClient(ExecutionInterceptor... interceptors) {
    return S3Clients.create(config(), EmbeddedS3.credentials(), List.of(interceptors));
  }
}
