package dev.convoarchive.http.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.DocumentReads;
import dev.convoarchive.domain.usecase.ScanningSearch;
import dev.convoarchive.http.api.Metrics;
import dev.convoarchive.http.api.Problems;
import dev.convoarchive.http.auth.TokenVerifier;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.s3.ConflictListener;
import dev.convoarchive.supabase.store.PostgresSearch;
import java.time.Clock;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** The service's own bindings, and its metrics hooked onto the adapters; the adapters bring theirs. */
final class AppModule extends AbstractModule {

  private final AppConfig config;

  AppModule(AppConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(AppConfig.class).toInstance(config);
    bind(Metrics.class).asEagerSingleton();
    // A default, so that a test can bind a movable clock in its stead.
    OptionalBinder.newOptionalBinder(binder(), Clock.class).setDefault().toInstance(Clock.systemUTC());
    bind(S3Metrics.class).in(Singleton.class);
    Multibinder.newSetBinder(binder(), ExecutionInterceptor.class).addBinding().to(S3Metrics.class);
    OptionalBinder.newOptionalBinder(binder(), ConflictListener.class).setBinding().to(S3Metrics.class);
  }

  @Provides
  @Singleton
  ObjectMapper json() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  @Provides
  @Singleton
  Problems problems(ObjectMapper json) {
    return new Problems(json);
  }

  @Provides
  @Singleton
  TokenVerifier tokens() {
    return new TokenVerifier(config.auth());
  }

  @Provides
  @Singleton
  ArchiveService service(LiveConversations live, ConversationArchive archive, Clock clock, ArchiveSearch search) {
    return new ArchiveService(live, archive, clock, search);
  }

  /** Needs an archive that hands out its stored documents: one without fails here, at wiring. */
  @Provides
  @Singleton
  DocumentReads documents(LiveConversations live, ArchivedDocuments documents) {
    return new DocumentReads(live, documents);
  }

  /**
   * With the PostgreSQL index, PostgreSQL's full-text search over the documents the catalog keeps;
   * otherwise a scan of the store. SEARCH=off refuses every search.
   */
  @Provides
  @Singleton
  ArchiveSearch search(ConversationArchive archive, Provider<PostgresSearch> indexed) {
    SearchMode mode = config.search().mode();
    if (mode == SearchMode.OFF) {
      return (owner, request) -> {
        throw new InvalidInputException("q", "search is turned off on this service (SEARCH=off)");
      };
    }
    return config.s3().variant().needsDatabaseCatalog() ? indexed.get() : new ScanningSearch(archive, mode);
  }
}
