package dev.convoarchive.s3;

import dev.convoarchive.domain.error.InvalidInputException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how archives are stored.
 *
 * @param bucket the bucket, which must exist
 * @param prefix the key prefix without leading or trailing slash (default {@value #DEFAULT_PREFIX})
 * @param endpoint an endpoint override for S3-compatible stores; empty for AWS
 * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), which most emulators need
 * @param region the signing region
 * @param variant how conversations are laid out in the bucket and where they are listed
 * @param compression how objects are written
 * @param maxAttempts how many conditional writes one change may try before giving up as contended
 * @param callTimeout the longest one S3 request may take, retries included: a store that stops
 *     answering fails the request (503) instead of holding it
 */
public record S3ArchiveConfig(
    String bucket,
    String prefix,
    Optional<URI> endpoint,
    boolean pathStyle,
    String region,
    StorageVariant variant,
    Compression compression,
    int maxAttempts,
    Duration callTimeout) {

  public static final String DEFAULT_PREFIX = "archived_conversations";
  public static final String DEFAULT_REGION = "us-east-1";
  public static final int DEFAULT_MAX_ATTEMPTS = 12;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  // Bucket names per S3's rules, loosely: lower-case letters, digits, dots and hyphens.
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

  public S3ArchiveConfig {
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw new InvalidInputException("S3_BUCKET",
          "must be 3 to 63 lower-case letters, digits, dots or hyphens; got " + InvalidInputException.quote(bucket));
    }
    if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.contains("..")) {
      throw new InvalidInputException("S3_PREFIX",
          "must be path segments of letters, digits, '_', '-' or '.', joined by '/', without a leading or trailing '/'; got "
              + InvalidInputException.quote(prefix));
    }
    endpoint = Objects.requireNonNullElse(endpoint, Optional.empty());
    if (region == null || region.isBlank()) {
      throw new InvalidInputException("AWS_REGION", "is required, e.g. " + DEFAULT_REGION);
    }
    variant = Objects.requireNonNullElse(variant, StorageVariant.byDefault());
    compression = Objects.requireNonNullElse(compression, Compression.GZIP);
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new InvalidInputException("maxAttempts", "must be between 1 and 100; got " + maxAttempts);
    }
    callTimeout = Objects.requireNonNullElse(callTimeout, DEFAULT_CALL_TIMEOUT);
    if (callTimeout.isNegative() || callTimeout.isZero() || callTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new InvalidInputException("ARCHIVE_S3_TIMEOUT", "must be more than 0 and at most 10 minutes; got " + callTimeout);
    }
  }

  /** The defaults for everything but the bucket. */
  public static S3ArchiveConfig forBucket(String bucket) {
    return new S3ArchiveConfig(bucket, DEFAULT_PREFIX, Optional.empty(), false, DEFAULT_REGION,
        StorageVariant.byDefault(), Compression.GZIP, DEFAULT_MAX_ATTEMPTS,
        DEFAULT_CALL_TIMEOUT);
  }

  public S3ArchiveConfig withEndpoint(URI endpoint, boolean pathStyle) {
    return new S3ArchiveConfig(bucket, prefix, Optional.of(endpoint), pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withPrefix(String prefix) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withVariant(StorageVariant variant) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withBucket(String bucket) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withCompression(Compression compression) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withCallTimeout(Duration callTimeout) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }

  public S3ArchiveConfig withMaxAttempts(int maxAttempts) {
    return new S3ArchiveConfig(bucket, prefix, endpoint, pathStyle, region, variant, compression, maxAttempts,
        callTimeout);
  }
}
