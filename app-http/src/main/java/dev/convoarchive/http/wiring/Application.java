package dev.convoarchive.http.wiring;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.util.Modules;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.api.HttpServer;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.sweep.SweepModule;
import dev.convoarchive.http.sweep.SweeperWorker;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.supabase.SupabaseModule;
import dev.convoarchive.supabase.store.PostgresSearch;
import dev.convoarchive.supabase.store.SearchDocuments;
import io.javalin.Javalin;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running service: its injector, HTTP server and everything to close when it stops. */
public final class Application implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Javalin http;
  /** The /metrics server on METRICS_PORT, when it has a port of its own. */
  private final Optional<Javalin> metrics;
  private final Injector injector;
  private final boolean sweeping;

  private Application(Javalin http, Optional<Javalin> metrics, Injector injector, boolean sweeping) {
    this.http = http;
    this.metrics = metrics;
    this.injector = injector;
    this.sweeping = sweeping;
  }

  /**
   * Starts the service on the configured bucket and database. The adapters' checks run before the
   * port opens: a store that lacks a guarantee the storage variant relies on stops start-up with an
   * {@code UnsafeStorageException}, missing chat tables with a message naming them. {@code extras}
   * add bindings (AWS credentials, S3 interceptors, see {@link S3ArchiveModule}).
   */
  public static Application start(AppConfig config, Module... extras) {
    Injector injector = injector(config, extras);
    try {
      injector.getInstance(ConversationArchive.class); // runs the storage probe
      injector.getInstance(LiveConversations.class); // reads the id columns; fails now if the tables are missing
      // Built before the port opens: a missing deleted column stops start-up here.
      SweeperWorker sweeper = config.sweep().enabled() ? injector.getInstance(SweeperWorker.class) : null;
      HttpServer server = injector.getInstance(HttpServer.class);
      Optional<Javalin> metrics = config.web().metricsPort()
          .map(port -> server.createMetricsServer().start(config.web().metricsHost(), port));
      Javalin http;
      try {
        http = server.create().start(config.port());
      } catch (RuntimeException e) {
        metrics.ifPresent(Javalin::stop);
        throw e;
      }
      LOG.info("convo-archive listening on port {} ({}, bucket {}){}", http.port(),
          config.s3().variant().describe(), config.s3().bucket(),
          metrics.map(m -> "; /metrics on " + config.web().metricsHost() + " port " + m.port()).orElse(""));
      if (sweeper != null) {
        sweeper.start();
        LOG.info("sweeper on: conversations with {} set{}", config.sweep().source().deletedColumn(),
            config.sweep().source().inactiveAfter().map(d -> ", or inactive for " + d).orElse(""));
      }
      return new Application(http, metrics, injector, config.sweep().enabled());
    } catch (RuntimeException e) {
      Resources.closeAll(injector);
      throw e instanceof ProvisionException provision ? unwrap(provision, provision.getCause()) : e;
    }
  }

  /**
   * The service's parts without the HTTP server, for the maintenance commands: the archive (its
   * storage probe run) and its maintenance port. Closing the result closes the adapters' clients.
   */
  public static Services services(AppConfig config, Module... extras) {
    Injector injector = injector(config, extras);
    try {
      Optional<PostgresSearch> search = config.s3().variant().needsDatabaseCatalog() && config.search().mode() != SearchMode.OFF
          ? Optional.of(injector.getInstance(PostgresSearch.class)) : Optional.empty();
      return new Services(injector.getInstance(ArchiveMaintenance.class), injector.getInstance(ConversationArchive.class),
          search, () -> Resources.closeAll(injector));
    } catch (RuntimeException e) {
      Resources.closeAll(injector);
      throw e instanceof ProvisionException provision ? unwrap(provision, provision.getCause()) : e;
    }
  }

  /**
   * The sweeper alone, for {@code sweep --once}: whether or not the service runs one, with the
   * configured source and settings. Closing the result closes the adapters' clients.
   */
  public static Sweeping sweeping(AppConfig config, Module... extras) {
    Injector injector = injector(config.withSweep(config.sweep().on()), extras);
    try {
      injector.getInstance(ConversationArchive.class); // runs the storage probe
      return new Sweeping(injector.getInstance(Sweeper.class), () -> Resources.closeAll(injector));
    } catch (RuntimeException e) {
      Resources.closeAll(injector);
      throw e instanceof ProvisionException provision ? unwrap(provision, provision.getCause()) : e;
    }
  }

  /** What {@code sweep --once} works with. */
  public record Sweeping(Sweeper sweeper, Runnable closer) implements AutoCloseable {
    @Override
    public void close() {
      sweeper.close();
      closer.run();
    }
  }

  /** What the maintenance commands work with. */
  public record Services(ArchiveMaintenance maintenance, ConversationArchive archive, Optional<PostgresSearch> search,
      Runnable closer) implements AutoCloseable {
    @Override
    public void close() {
      closer.run();
    }
  }

  private static Injector injector(AppConfig config, Module... extras) {
    SupabaseModule database =
        new SupabaseModule(config.database().orElseThrow(() -> new IllegalStateException("no database configuration")))
            .withSearch(new SearchDocuments(config.search().mode(), config.search().config()));
    try {
      return Guice.createInjector(
          new AppModule(config),
          new S3ArchiveModule(config.s3()),
          config.sweep().enabled() ? database.withSweep(config.sweep().source()) : database,
          config.sweep().enabled() ? new SweepModule(config.sweep()) : Modules.EMPTY_MODULE,
          Modules.combine(extras));
    } catch (CreationException e) {
      throw unwrap(e, e.getCause());
    }
  }

  /** Guice wraps what a provider threw; the caller wants the adapter's own exception and message. */
  private static RuntimeException unwrap(RuntimeException wrapper, Throwable cause) {
    return cause instanceof RuntimeException runtime ? runtime : wrapper;
  }

  public int port() {
    return http.port();
  }

  /** The port /metrics is served on: its own, or the service's. */
  public int metricsPort() {
    return metrics.map(Javalin::port).orElse(http.port());
  }

  /** The use cases, for the local walkthrough's demo data and for tests that drive them in-process. */
  public ArchiveService archiveService() {
    return injector.getInstance(ArchiveService.class);
  }

  /** The live database's conversations, as the service reads and moves them. */
  public LiveConversations liveConversations() {
    return injector.getInstance(LiveConversations.class);
  }

  /** The archive, as the configured storage variant keeps it. */
  public ConversationArchive archive() {
    return injector.getInstance(ConversationArchive.class);
  }

  /** Every route as "METHOD /path", for checking the API document against what is served. */
  public List<String> routes() {
    return http.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        // CORS preflights (OPTIONS) answer for the operations; they are not operations themselves.
        .filter(route -> !route.startsWith("BEFORE") && !route.startsWith("AFTER") && !route.startsWith("OPTIONS"))
        .sorted()
        .toList();
  }

  /** Stops taking requests, lets those in flight finish, then closes the adapters' clients and pools. */
  @Override
  public void close() {
    http.stop();
    metrics.ifPresent(Javalin::stop);
    if (sweeping) {
      try {
        injector.getInstance(SweeperWorker.class).close(); // before the pools it uses
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Resources.closeAll(injector);
  }
}
