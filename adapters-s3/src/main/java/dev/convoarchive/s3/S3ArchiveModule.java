package dev.convoarchive.s3;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.convoarchive.domain.port.ConversationArchive;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Binds {@link ConversationArchive} to the S3 archive of the configured layout. The S3 client is
 * the one given, or one built from the configuration with the AWS default credentials chain.
 * Bind a {@link ConflictListener} elsewhere to count conditional-write retries.
 */
public final class S3ArchiveModule extends AbstractModule {

  private final S3ArchiveConfig config;
  private final S3Client client;

  public S3ArchiveModule(S3ArchiveConfig config) {
    this(config, null);
  }

  public S3ArchiveModule(S3ArchiveConfig config, S3Client client) {
    this.config = config;
    this.client = client;
  }

  @Override
  protected void configure() {
    bind(S3ArchiveConfig.class).toInstance(config);
    OptionalBinder.newOptionalBinder(binder(), ConflictListener.class).setDefault().toInstance(ConflictListener.NONE);
    bind(ConversationArchive.class).to(S3Archive.class);
  }

  @Provides
  @Singleton
  S3Client s3Client() {
    return client != null ? client : S3Clients.create(config);
  }

  @Provides
  @Singleton
  S3Archive archive(S3Client s3, ConflictListener conflicts) {
    return S3Archives.create(s3, config, conflicts);
  }

  @Provides
  StorageProbe probe(S3Client s3) {
    return new StorageProbe(s3, config);
  }
}
