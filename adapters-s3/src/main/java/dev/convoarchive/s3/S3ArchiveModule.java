package dev.convoarchive.s3;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.BulkLoad;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.ReadinessCheck;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 adapter's public face. Binds {@link ConversationArchive} (with its
 * {@link ArchivedDocuments}, {@link ArchiveMaintenance} and {@link BulkLoad} abilities) to the configured layout, contributes
 * a {@code bucket} {@link ReadinessCheck}, and adds its S3 client to the set of
 * {@link AutoCloseable}s the service closes on shutdown.
 *
 * <p>It builds its own client on the Apache HTTP client. Optional bindings change it: the AWS
 * credentials (default: the AWS default provider chain, see {@link #withCredentials}), execution
 * interceptors that see every request (metrics, fault injection: {@link #withInterceptors}), and a
 * {@link ConflictListener} told of every conditional-write retry, and the {@link ArchiveCatalog}
 * that keeps the per-file index in the database ({@link IndexLocation#POSTGRES}). The storage
 * probe runs when the archive is first provided: a store that lacks a guarantee the configured
 * layout and index rely on stops start-up with an {@link UnsafeStorageException}.
 */
public final class S3ArchiveModule extends AbstractModule {

  /** Marks the adapter's own client, which nothing outside this package can name. */
  @Qualifier
  @Retention(RetentionPolicy.RUNTIME)
  @interface ArchiveClient {}

  private final S3ArchiveConfig config;

  public S3ArchiveModule(S3ArchiveConfig config) {
    this.config = config;
  }

  /** A module that makes the adapter sign with {@code credentials}. */
  public static Module withCredentials(AwsCredentialsProvider credentials) {
    return binder -> OptionalBinder.newOptionalBinder(binder, AwsCredentialsProvider.class).setBinding().toInstance(credentials);
  }

  /** A module that puts {@code interceptors} on the adapter's client. */
  public static Module withInterceptors(List<? extends ExecutionInterceptor> interceptors) {
    return binder -> {
      Multibinder<ExecutionInterceptor> set = Multibinder.newSetBinder(binder, ExecutionInterceptor.class);
      interceptors.forEach(interceptor -> set.addBinding().toInstance(interceptor));
    };
  }

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), AwsCredentialsProvider.class).setDefault()
        .toProvider(() -> DefaultCredentialsProvider.builder().build());
    Multibinder.newSetBinder(binder(), ExecutionInterceptor.class);
    OptionalBinder.newOptionalBinder(binder(), ConflictListener.class).setDefault().toInstance(ConflictListener.NONE);
    // The database's catalog, for ARCHIVE_INDEX=postgres; the Supabase module binds it.
    OptionalBinder.newOptionalBinder(binder(), ArchiveCatalog.class);
    bind(ConversationArchive.class).to(S3Archive.class);
    bind(ArchivedDocuments.class).to(S3Archive.class);
    bind(ArchiveMaintenance.class).to(S3Archive.class);
    bind(BulkLoad.class).to(S3Archive.class);
    Multibinder.newSetBinder(binder(), ReadinessCheck.class).addBinding().to(BucketReadiness.class);
    Multibinder.newSetBinder(binder(), AutoCloseable.class).addBinding().to(Key.get(S3Client.class, ArchiveClient.class));
  }

  @Provides
  @Singleton
  @ArchiveClient
  S3Client client(AwsCredentialsProvider credentials, Set<ExecutionInterceptor> interceptors) {
    return S3Clients.create(config, credentials, List.copyOf(interceptors));
  }

  @Provides
  @Singleton
  S3Archive archive(@ArchiveClient S3Client s3, ConflictListener conflicts, Optional<Provider<ArchiveCatalog>> catalog) {
    new StorageProbe(s3, config).verify();
    ArchiveCatalog database = null;
    if (config.indexInDatabase()) {
      database = catalog.orElseThrow(() -> new IllegalStateException(
          "ARCHIVE_INDEX=postgres needs the database's catalog; install the Supabase module, or set ARCHIVE_INDEX=s3")).get();
    }
    return create(s3, config, conflicts, database);
  }

  @Provides
  BucketReadiness bucketReadiness(@ArchiveClient S3Client s3) {
    return new BucketReadiness(s3, config.bucket());
  }

  /** The archive of the configured layout and index on {@code s3}, with the S3 index built here. */
  static S3Archive create(S3Client s3, S3ArchiveConfig config, ConflictListener conflicts) {
    return create(s3, config, conflicts, null);
  }

  /**
   * The archive of the configured layout on {@code s3}; per-file keeps its index in
   * {@code databaseCatalog} when the configuration says so. Also for tests in this package.
   */
  static S3Archive create(S3Client s3, S3ArchiveConfig config, ConflictListener conflicts, ArchiveCatalog databaseCatalog) {
    ObjectStore store = new ObjectStore(s3, config.bucket(), config.compression().gzip());
    ObjectKeys keys = new ObjectKeys(config.prefix());
    return switch (config.layout()) {
      case PER_FILE -> {
        ConversationObjects objects = new ConversationObjects(store, keys);
        ArchiveCatalog catalog = config.indexInDatabase()
            ? Objects.requireNonNull(databaseCatalog, "the PostgreSQL index needs a catalog")
            : new S3IndexCatalog(objects, keys,
                new VersionedObject<>(store, ArchiveIndex.CODEC, config.maxAttempts(), conflicts::retrying));
        yield new PerFileArchive(objects, catalog, store, Clock.systemUTC());
      }
      case SINGLE_FILE -> new SingleFileArchive(store, keys,
          new VersionedObject<>(store, UserFile.CODEC, config.maxAttempts(), conflicts::retrying));
    };
  }

  /** Ready when the bucket answers a HEAD. */
  record BucketReadiness(S3Client s3, String bucket) implements ReadinessCheck {
    @Override
    public String name() {
      return "bucket";
    }

    @Override
    public void check() {
      s3.headBucket(b -> b.bucket(bucket));
    }
  }
}
