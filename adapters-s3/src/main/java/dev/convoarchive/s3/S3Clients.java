package dev.convoarchive.s3;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** S3 clients as this project needs them. */
public final class S3Clients {

  private S3Clients() {}

  /** A client with credentials from the AWS default provider chain. */
  public static S3Client create(S3ArchiveConfig config) {
    return create(config, DefaultCredentialsProvider.builder().build(), List.of());
  }

  /**
   * A client on the Apache HTTP client, named explicitly: the URL-connection client produced
   * spurious write errors against some S3-compatible servers. {@code interceptors} see every
   * request (metrics, fault injection, the bench's network model).
   */
  public static S3Client create(
      S3ArchiveConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
    var builder = S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128)
            .connectionTimeout(attemptTimeout(config)).socketTimeout(attemptTimeout(config))
            .connectionAcquisitionTimeout(attemptTimeout(config)))
        // Checksums only where S3 requires them (DeleteObjects): the SDK's default trailing
        // checksums (aws-chunked uploads) are refused by some S3-compatible stores (seen: S3Proxy
        // answers every PUT 501 NotImplemented); TLS already protects the bytes in transit.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(config.pathStyle())
        // Plain bodies, signed whole: over http the SDK would otherwise send aws-chunked bodies with
        // per-chunk signatures, which simpler S3-compatible servers store as they come (seen:
        // s3rver kept the chunk framing in the object). Bodies here are small byte arrays.
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .overrideConfiguration(c -> {
          // Bounded, so a store that stops answering fails the request instead of holding it.
          c.apiCallTimeout(config.callTimeout()).apiCallAttemptTimeout(attemptTimeout(config));
          interceptors.forEach(c::addExecutionInterceptor);
        });
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** A third of the call's time for each attempt, so the SDK's retries fit inside it. */
  private static Duration attemptTimeout(S3ArchiveConfig config) {
    return config.callTimeout().dividedBy(3);
  }
}
