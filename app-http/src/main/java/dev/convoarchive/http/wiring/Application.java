package dev.convoarchive.http.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.http.api.HttpServer;
import dev.convoarchive.http.api.Metrics;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.S3Clients;
import dev.convoarchive.s3.StorageProbe;
import dev.convoarchive.supabase.SupabaseModule;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/** One running service: its injector, HTTP server and everything to close when it stops. */
public final class Application implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Javalin http;
  private final Injector injector;
  private final List<AutoCloseable> resources;

  private Application(Javalin http, Injector injector, List<AutoCloseable> resources) {
    this.http = http;
    this.injector = injector;
    this.resources = resources;
  }

  /** Starts against the configured bucket and database, with credentials from the AWS default chain. */
  public static Application start(AppConfig config) {
    return start(config, DefaultCredentialsProvider.builder().build(), new ArrayList<>());
  }

  /**
   * Starts the service. The storage probe runs first: a store that ignores conditional writes
   * stops start-up with the probe's message. {@code resources} are closed with the service, last
   * first.
   */
  public static Application start(AppConfig config, AwsCredentialsProvider credentials, List<AutoCloseable> resources) {
    return start(config, credentials, resources, List.of());
  }

  /** As above, with {@code interceptors} on the S3 client as well (fault injection, tracing). */
  public static Application start(AppConfig config, AwsCredentialsProvider credentials, List<AutoCloseable> resources,
      List<ExecutionInterceptor> interceptors) {
    S3ArchiveConfig s3Config = config.s3().orElseThrow(() -> new IllegalStateException("no S3 configuration"));
    Metrics metrics = new Metrics();
    List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
    all.add(metrics.s3Interceptor());
    S3Client s3 = S3Clients.create(s3Config, credentials, all);
    resources.add(s3);
    try {
      Injector injector = Guice.createInjector(
          new AppModule(config, metrics),
          new S3ArchiveModule(s3Config, s3),
          new SupabaseModule(config.database().orElseThrow(() -> new IllegalStateException("no database configuration"))));
      resources.add(injector.getInstance(HikariDataSource.class));
      injector.getInstance(StorageProbe.class).verify();
      injector.getInstance(LiveConversations.class); // reads the id columns; fails now if the tables are missing
      Javalin http = injector.getInstance(HttpServer.class).create().start(config.port());
      LOG.info("convo-archive listening on port {} ({} layout, bucket {})", http.port(), s3Config.layout().configName(),
          s3Config.bucket());
      return new Application(http, injector, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  public int port() {
    return http.port();
  }

  public Injector injector() {
    return injector;
  }

  /** Every route as "METHOD /path", for checking the API document against what is served. */
  public List<String> routes() {
    return http.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .filter(route -> !route.startsWith("BEFORE") && !route.startsWith("AFTER"))
        .sorted()
        .toList();
  }

  /** Stops taking requests, lets those in flight finish, then closes pools and clients. */
  @Override
  public void close() {
    http.stop();
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resources.get(i), e.toString());
      }
    }
  }
}
