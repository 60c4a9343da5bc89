package dev.convoarchive.http.support;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.http.wiring.Resources;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.S3TestServer;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.SupabaseModule;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.store.PostgresSweepQueue;
import dev.convoarchive.supabase.store.SweepSource;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The service's stores for tests: the adapters' shared embedded S3 server and PostgreSQL (from
 * their test-jars, started once per test JVM), with the chat schema in PostgreSQL's public schema,
 * where a service started with only SUPABASE_DB_URL looks for it.
 */
public final class TestStores {

  public static final String BUCKET = S3TestServer.BUCKET;

  private static SupabaseDbConfig database;
  private static LiveConversations live;

  private TestStores() {}

  public static EmbeddedS3 s3() {
    return S3TestServer.server();
  }

  /** The shared bucket's configuration for {@code variant}. */
  public static S3ArchiveConfig s3Config(StorageVariant variant) {
    return S3TestServer.config().withVariant(variant);
  }

  /** A raw client of its own on the shared bucket, for looking at what is stored. The caller closes it. */
  public static S3Client s3Client(ExecutionInterceptor... interceptors) {
    return S3TestServer.newClient(interceptors);
  }

  public static synchronized SupabaseDbConfig database() {
    if (database == null) {
      database = TestDatabase.server().config();
      SupabaseDatabase.applySchema(database, IdType.UUID);
    }
    return database;
  }

  /** The live database as the chat app sees it: for seeding and checking. */
  public static synchronized LiveConversations live() {
    if (live == null) {
      live = Guice.createInjector(new SupabaseModule(database())).getInstance(LiveConversations.class);
    }
    return live;
  }

  /** Plain connections to the live database, for counting rows. */
  public static DataSource pool() {
    SupabaseDbConfig config = database();
    PGSimpleDataSource plain = new PGSimpleDataSource();
    plain.setUrl(config.jdbcUrl());
    plain.setUser(config.user());
    plain.setPassword(config.password());
    return plain;
  }

  /** The archive of {@code variant} on the shared stores, outside any service, as another machine would have it. */
  public static StandaloneArchive archive(StorageVariant variant) {
    return new StandaloneArchive(Guice.createInjector(new S3ArchiveModule(s3Config(variant)), new SupabaseModule(database()),
        S3ArchiveModule.withCredentials(EmbeddedS3.credentials())));
  }

  /**
   * A sweep queue on {@code db}, built by the module the service builds its own with, for tests
   * that claim and archive by hand while the service runs no sweeper.
   */
  public static PostgresSweepQueue sweepQueue(SupabaseDbConfig db, SweepSource source) {
    return Guice.createInjector(new SupabaseModule(db.withPoolSize(2)).withSweep(source)).getInstance(PostgresSweepQueue.class);
  }

  /** An archive built by the S3 adapter's own module, and the client it owns. */
  public record StandaloneArchive(Injector injector) implements AutoCloseable {
    public ConversationArchive archive() {
      return injector.getInstance(ConversationArchive.class);
    }

    public ArchiveMaintenance maintenance() {
      return injector.getInstance(ArchiveMaintenance.class);
    }

    @Override
    public void close() {
      Resources.closeAll(injector);
    }
  }
}
