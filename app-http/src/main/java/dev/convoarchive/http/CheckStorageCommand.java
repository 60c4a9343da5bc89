package dev.convoarchive.http;

import dev.convoarchive.http.config.AppConfig.StorageSettings;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3Clients;
import dev.convoarchive.s3.StorageCheck;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.io.PrintStream;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code java -jar convo-archive.jar check-storage}: runs {@link StorageCheck} against the
 * configured bucket (or, with no bucket configured, against the embedded store) and exits non-zero
 * when any guarantee is missing. Operators run it before going live; it needs the S3 settings only.
 */
public final class CheckStorageCommand {

  private CheckStorageCommand() {}

  /** Returns the process exit code: 0 when every check passed. */
  public static int run(StorageSettings settings, PrintStream out, List<ExecutionInterceptor> interceptors) {
    if (settings.embedded()) {
      try (EmbeddedS3 embedded = EmbeddedS3.start(0, null, List.of(settings.s3().bucket()))) {
        out.println("S3_BUCKET is not set: checking the embedded S3 server local mode uses");
        return check(settings.s3().withEndpoint(embedded.endpoint(), true), EmbeddedS3.credentials(), out, interceptors);
      }
    }
    return check(settings.s3(), DefaultCredentialsProvider.builder().build(), out, interceptors);
  }

  private static int check(S3ArchiveConfig config, AwsCredentialsProvider credentials, PrintStream out,
      List<ExecutionInterceptor> interceptors) {
    try (S3Client s3 = S3Clients.create(config, credentials, interceptors)) {
      List<StorageCheck.Result> results = new StorageCheck(s3, config).run();
      out.print(StorageCheck.report(config, results));
      return StorageCheck.serves(config, results) ? 0 : 1;
    }
  }
}
