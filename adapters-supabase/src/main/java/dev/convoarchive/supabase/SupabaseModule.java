package dev.convoarchive.supabase;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.port.ReadinessCheck;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import dev.convoarchive.supabase.store.PostgresArchiveCatalog;
import dev.convoarchive.supabase.store.PostgresSearch;
import dev.convoarchive.supabase.store.PostgresSweepQueue;
import dev.convoarchive.supabase.store.SearchDocuments;
import dev.convoarchive.supabase.store.ServiceSchema;
import dev.convoarchive.supabase.store.SweepSource;
import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.sql.Connection;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The Supabase adapter's public face. Binds {@link LiveConversations} to the configured database
 * and the per-file {@link ArchiveCatalog} to a table in the service's own schema (created and
 * migrated when first needed), contributes a {@code database} {@link ReadinessCheck}, and adds its
 * connection pool to the set of {@link AutoCloseable}s the service closes on shutdown. The pool
 * itself is not exposed.
 */
public final class SupabaseModule extends AbstractModule {

  /** Marks the adapter's own pool, which nothing outside this package can name. */
  @Qualifier
  @Retention(RetentionPolicy.RUNTIME)
  @interface LiveDatabase {}

  private static final int READINESS_TIMEOUT_SECONDS = 2;

  private final SupabaseDbConfig config;
  private final Optional<SweepSource> sweep;
  private final SearchDocuments search;

  public SupabaseModule(SupabaseDbConfig config) {
    this(config, Optional.empty(), SearchDocuments.DEFAULT);
  }

  private SupabaseModule(SupabaseDbConfig config, Optional<SweepSource> sweep, SearchDocuments search) {
    this.config = config;
    this.sweep = sweep;
    this.search = search;
  }

  /** This module, keeping search documents as {@code documents} says (SEARCH, SEARCH_CONFIG). */
  public SupabaseModule withSearch(SearchDocuments documents) {
    return new SupabaseModule(config, sweep, documents);
  }

  /** This module, also providing the {@link SweepQueue} over {@code source}. */
  public SupabaseModule withSweep(SweepSource source) {
    return new SupabaseModule(config, Optional.of(source), search);
  }

  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), ReadinessCheck.class).addBinding().to(DatabaseReadiness.class);
    Multibinder.newSetBinder(binder(), AutoCloseable.class).addBinding().to(Key.get(HikariDataSource.class, LiveDatabase.class));
    OptionalBinder.newOptionalBinder(binder(), ArchiveCatalog.class).setBinding().to(PostgresArchiveCatalog.class);
    Multibinder.newSetBinder(binder(), AutoCloseable.class).addBinding().to(CatalogPool.class);
    // The service binds its clock; tests bind a movable one. Without either, the system's.
    OptionalBinder.newOptionalBinder(binder(), Clock.class);
    if (sweep.isPresent()) {
      OptionalBinder.newOptionalBinder(binder(), SweepQueue.class).setBinding().to(PostgresSweepQueue.class);
    }
  }

  /** The sweep queue, on the live pool; start-up stops if the retired soft-delete column is not a timestamp. */
  @Provides
  @Singleton
  PostgresSweepQueue sweepQueue(@LiveDatabase HikariDataSource pool, PostgresLiveConversations live) {
    PostgresSweepQueue queue = new PostgresSweepQueue(pool, live, config.schema(), tables(), config.serviceSchema(),
        sweep.orElseThrow());
    queue.checkTables();
    return queue;
  }

  /**
   * The per-file catalog in the service's own schema, migrated first (only when a variant asks for
   * it). It has a pool of its own: a move-out holds a live connection while the archive step
   * records the conversation, and with one shared pool a burst of move-outs would hold every
   * connection while each waits for another (seen: every request timing out after 10 s).
   */
  @Provides
  @Singleton
  PostgresArchiveCatalog catalog(CatalogPool pool) {
    ServiceSchema.migrate(pool.get(), config.serviceSchema());
    SearchDocuments.check(pool.get(), search);
    return new PostgresArchiveCatalog(pool.get(), config.serviceSchema(), search);
  }

  /** Search over the catalog's documents, when the per-file index is this database. */
  @Provides
  @Singleton
  PostgresSearch search(CatalogPool pool, PostgresArchiveCatalog migratedAndChecked) {
    return new PostgresSearch(pool.get(), config.serviceSchema(), search);
  }

  @Provides
  @Singleton
  CatalogPool catalogPool() {
    return new CatalogPool(config);
  }

  /** The catalog's pool, opened when the catalog is first used and closed with the service. */
  static final class CatalogPool implements AutoCloseable {
    private final SupabaseDbConfig config;
    private HikariDataSource pool;

    CatalogPool(SupabaseDbConfig config) {
      this.config = config;
    }

    synchronized HikariDataSource get() {
      if (pool == null) {
        pool = SupabaseDatabase.pool(config, "convo-archive-catalog");
      }
      return pool;
    }

    @Override
    public synchronized void close() {
      if (pool != null) {
        pool.close();
      }
    }
  }

  @Provides
  @Singleton
  @LiveDatabase
  HikariDataSource pool() {
    return SupabaseDatabase.pool(config);
  }

  @Provides
  @Singleton
  LiveConversations liveConversations(PostgresLiveConversations live) {
    return live;
  }

  /**
   * Reads the conversation's tree of tables once (fails with what to do when the tables are
   * missing), after migrating the service's schema, where restores are recorded for cold tiering
   * and the capture kit's outbox lives.
   */
  @Provides
  @Singleton
  PostgresLiveConversations postgresLiveConversations(@LiveDatabase HikariDataSource pool, Optional<Clock> clock) {
    ServiceSchema.migrate(pool, config.serviceSchema());
    return PostgresLiveConversations.on(pool, config.schema(), tables(), config.serviceSchema(),
        clock.orElse(Clock.systemUTC()));
  }

  /** The configured names, with the sweeper's deleted column when it sweeps. */
  private LiveTables tables() {
    return sweep.map(source -> config.tables().with(LiveTables.Part.CONVERSATIONS_DELETED_AT, source.deletedColumn()))
        .orElse(config.tables());
  }

  @Provides
  DatabaseReadiness databaseReadiness(@LiveDatabase HikariDataSource pool) {
    return new DatabaseReadiness(pool);
  }

  /** Ready when a pooled connection is valid. */
  record DatabaseReadiness(DataSource pool) implements ReadinessCheck {
    @Override
    public String name() {
      return "database";
    }

    @Override
    public void check() throws Exception {
      try (Connection connection = pool.getConnection()) {
        if (!connection.isValid(READINESS_TIMEOUT_SECONDS)) {
          throw new IllegalStateException("connection is not valid");
        }
      }
    }
  }
}
