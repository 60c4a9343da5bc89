package dev.convoarchive.s3.cas;

import dev.convoarchive.domain.error.StorageUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The handful of S3 calls the layouts make, with S3's answers turned into the domain's: a failed
 * condition is an empty result, a missing key is empty, and an outage is a
 * {@link StorageUnavailableException}.
 */
public final class ObjectStore {

  /** An object's bytes and the ETag they were read at. */
  public record Versioned(byte[] bytes, String etag) {}

  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String bucket;
  /** Whether this store's writes are gzipped (and labelled {@code Content-Encoding: gzip}). */
  private final boolean gzip;

  public ObjectStore(S3Client s3, String bucket, boolean gzip) {
    this.s3 = s3;
    this.bucket = bucket;
    this.gzip = gzip;
  }

  public boolean gzip() {
    return gzip;
  }

  /** The whole object with its ETag, or empty when the key does not exist. */
  public Optional<Versioned> read(String key) {
    return call("GetObject", key, () -> {
      try {
        var response = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        return Optional.of(new Versioned(response.asByteArray(), response.response().eTag()));
      } catch (NoSuchKeyException e) {
        return Optional.empty();
      }
    });
  }

  /** The object as a stream to parse incrementally, or empty when missing. The caller closes it. */
  public Optional<ResponseInputStream<GetObjectResponse>> open(String key) {
    return call("GetObject", key, () -> {
      try {
        return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
      } catch (NoSuchKeyException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * An object opened for streaming, with its first bytes already read (to tell what it holds
   * before passing it on). {@code body} still starts at the first byte; the caller closes it.
   */
  public record Opened(String etag, long length, byte[] head, InputStream body) {}

  /** Opens the object and reads up to {@code headBytes} of it; empty when the key does not exist. */
  public Optional<Opened> open(String key, int headBytes) {
    return call("GetObject", key, () -> {
      ResponseInputStream<GetObjectResponse> raw;
      try {
        raw = s3.getObject(b -> b.bucket(bucket).key(key));
      } catch (NoSuchKeyException e) {
        return Optional.empty();
      }
      try {
        PushbackInputStream body = new PushbackInputStream(raw, headBytes);
        byte[] head = body.readNBytes(headBytes);
        body.unread(head);
        Long length = raw.response().contentLength();
        return Optional.of(new Opened(raw.response().eTag(), length == null ? -1 : length, head, body));
      } catch (IOException e) {
        raw.abort();
        throw new UncheckedIOException(e);
      }
    });
  }

  public boolean exists(String key) {
    return call("HeadObject", key, () -> {
      try {
        s3.headObject(b -> b.bucket(bucket).key(key));
        return true;
      } catch (NoSuchKeyException e) {
        return false;
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return false;
        }
        throw e;
      }
    });
  }

  /**
   * Writes whatever is there: only for a writer that holds the key by other means (a bulk load of
   * a new user, a catalog of record that has claimed the id).
   */
  public void overwrite(String key, byte[] bytes) {
    conditionalPut(key, bytes, b -> {}).orElseThrow();
  }

  /** Writes only if the key does not exist yet; returns the new ETag, or empty when it existed. */
  public Optional<String> create(String key, byte[] bytes) {
    return conditionalPut(key, bytes, b -> b.ifNoneMatch("*"));
  }

  /**
   * Writes only if the object is still at {@code etag}; returns the new ETag, or empty when it
   * changed or vanished meanwhile.
   */
  public Optional<String> replace(String key, byte[] bytes, String etag) {
    return conditionalPut(key, bytes, b -> b.ifMatch(etag));
  }

  private Optional<String> conditionalPut(String key, byte[] bytes, java.util.function.Consumer<PutObjectRequest.Builder> condition) {
    return call("PutObject", key, () -> {
      try {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key)
            .contentType("application/json");
        if (gzip) {
          request.contentEncoding("gzip");
        }
        condition.accept(request);
        return Optional.of(s3.putObject(request.build(), RequestBody.fromBytes(bytes)).eTag());
      } catch (NoSuchKeyException e) {
        return Optional.empty(); // If-Match on a key deleted meanwhile
      } catch (S3Exception e) {
        // 412 PreconditionFailed: the condition did not hold. 409 ConditionalRequestConflict: a
        // concurrent conditional write to the same key won. Both mean "re-read and try again".
        if (e.statusCode() == 412 || e.statusCode() == 409) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  public void delete(String key) {
    call("DeleteObject", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
  }

  /** Deletes the keys in batches of a thousand. */
  public void deleteAll(List<String> keys) {
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(key).build());
      }
      DeleteObjectsResponse response = call("DeleteObjects", keys.get(from),
          () -> s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build())));
      if (response.hasErrors() && !response.errors().isEmpty()) {
        var first = response.errors().get(0);
        throw new StorageUnavailableException("S3 bucket " + bucket,
            response.errors().size() + " deletes failed, first " + first.key() + ": " + first.code() + " " + first.message(), null);
      }
    }
  }

  /**
   * The "folders" and objects directly under {@code prefix} (a listing with delimiter {@code /}):
   * common prefixes first, then keys, all pages.
   */
  public List<String> listChildren(String prefix) {
    return call("ListObjectsV2", prefix, () -> {
      List<String> children = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/")).forEach(page -> {
        page.commonPrefixes().forEach(p -> children.add(p.prefix()));
        page.contents().forEach(o -> keys.add(o.key()));
      });
      children.addAll(keys);
      return children;
    });
  }

  /** Every object under {@code prefix}, all pages. */
  public List<S3Object> list(String prefix) {
    return call("ListObjectsV2", prefix,
        () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().toList());
  }

  /** Runs one S3 call, turning outages into the domain's exception with the operation and key. */
  private <T> T call(String operation, String key, Supplier<T> body) {
    try {
      return body.get();
    } catch (S3Exception e) {
      throw unavailable(operation, key, e.statusCode() + " " + e.awsErrorDetails().errorCode(), e);
    } catch (SdkException e) {
      throw unavailable(operation, key, e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw unavailable(operation, key, e.getMessage(), e);
    }
  }

  private StorageUnavailableException unavailable(String operation, String key, String detail, Exception cause) {
    return new StorageUnavailableException("S3 bucket " + bucket, operation + " " + key + " failed: " + detail, cause);
  }
}
