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
import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
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
 * that keeps the per-file index in the database ({@link StorageVariant#PER_FILE_POSTGRES_INDEX}). The storage
 * probe runs when the archive is first provided: a store that lacks a guarantee the configured
 * variant relies on stops start-up with an {@link UnsafeStorageException}.
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
    return create(s3, config, conflicts, config.variant().needsDatabaseCatalog() ? catalog.map(Provider::get) : Optional.empty());
  }

  @Provides
  BucketReadiness bucketReadiness(@ArchiveClient S3Client s3) {
    return new BucketReadiness(s3, config.bucket());
  }

  /**
   * The archive of the configured variant on {@code s3}, with the database's catalog for a variant
   * that keeps its catalog there. Also for tests in this package.
   */
  static S3Archive create(S3Client s3, S3ArchiveConfig config, ConflictListener conflicts, Optional<ArchiveCatalog> databaseCatalog) {
    return config.variant().archive(new ObjectStore(s3, config.bucket(), config.compression().gzip()), config, conflicts,
        databaseCatalog);
  }

  /** As {@link #create(S3Client, S3ArchiveConfig, ConflictListener, Optional)} without a database. */
  static S3Archive create(S3Client s3, S3ArchiveConfig config, ConflictListener conflicts) {
    return create(s3, config, conflicts, Optional.empty());
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
