package dev.convoarchive.supabase;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.port.LiveConversations;
import javax.sql.DataSource;

/** Binds {@link LiveConversations} to the Supabase (PostgreSQL) database of the configuration. */
public final class SupabaseModule extends AbstractModule {

  private final SupabaseDbConfig config;

  public SupabaseModule(SupabaseDbConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(SupabaseDbConfig.class).toInstance(config);
    bind(DataSource.class).to(HikariDataSource.class);
  }

  @Provides
  @Singleton
  HikariDataSource dataSource() {
    return SupabaseDatabase.pool(config);
  }

  @Provides
  @Singleton
  LiveConversations liveConversations(DataSource dataSource) {
    return SupabaseLive.create(dataSource, config.schema());
  }
}
