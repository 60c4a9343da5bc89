package dev.convoarchive.s3;

import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/** One S3-protocol server for the whole test JVM: starting it takes seconds, so it is shared. */
final class S3TestServer {

  static final String BUCKET = "convo-archive-test";

  private static EmbeddedS3 server;

  private S3TestServer() {}

  static synchronized EmbeddedS3 server() {
    if (server == null) {
      server = EmbeddedS3.start(0, null, List.of(BUCKET));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return server;
  }

  static S3ArchiveConfig config() {
    return server().config(BUCKET);
  }

  /** A client of its own, as another machine would have. */
  static S3Client newClient(ExecutionInterceptor... interceptors) {
    return S3Clients.create(config(), EmbeddedS3.credentials(), List.of(interceptors));
  }
}
