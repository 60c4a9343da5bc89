package dev.convoarchive.http.support;

import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.util.Modules;
import dev.convoarchive.http.config.AppConfig.AuthSettings;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** The real service on a random port, on the shared test bucket and database, reached over real HTTP. */
public final class TestService implements AutoCloseable {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final Application app;
  private final URI base;

  private TestService(Application app) {
    this.app = app;
    this.base = URI.create("http://127.0.0.1:" + app.port());
  }

  public static AppConfig config(StorageVariant variant, Tokens tokens) {
    return new AppConfig(0, TestStores.s3Config(variant), Optional.of(TestStores.database()),
        new AuthSettings(Optional.of(Tokens.SECRET), Optional.of(tokens.supabaseUrl())),
        Path.of("target", "unused-data"), AppConfig.DEFAULT_MAX_BODY_BYTES, false, SweepConfig.off(),
        AppConfig.WebSettings.defaults());
  }

  /** The service on {@code database}, its sweeper on and passing every 200 ms, per-file with the PostgreSQL index. */
  public static AppConfig sweeping(AppDatabase database) {
    return sweeping(database, StorageVariant.PER_FILE_POSTGRES_INDEX);
  }

  /** The service on {@code database} in {@code variant}, its sweeper on and passing every 200 ms. */
  public static AppConfig sweeping(AppDatabase database, StorageVariant variant) {
    AppConfig base = config(variant, Tokens.shared());
    return base.withStorage(base.s3(), database.config())
        .withSweep(SweepConfig.off().on().withInterval(Duration.ofMillis(200)));
  }

  public static TestService start(StorageVariant variant, Tokens tokens) {
    return start(config(variant, tokens), List.of());
  }

  public static TestService start(AppConfig config, List<? extends ExecutionInterceptor> interceptors) {
    return start(config, interceptors, Modules.EMPTY_MODULE);
  }

  /** {@code extra} adds bindings, such as a clock of the test's ({@link #clock}). */
  public static TestService start(AppConfig config, List<? extends ExecutionInterceptor> interceptors, Module extra) {
    return new TestService(Application.start(config, S3ArchiveModule.withCredentials(EmbeddedS3.credentials()),
        S3ArchiveModule.withInterceptors(interceptors), extra));
  }

  /** Bindings that give the service {@code clock} instead of the system's. */
  public static Module clock(Clock clock) {
    return binder -> OptionalBinder.newOptionalBinder(binder, Clock.class).setBinding().toInstance(clock);
  }

  public Application app() {
    return app;
  }

  public HttpResponse<String> send(String method, String path, String token) {
    return send(method, path, token, null, null);
  }

  /** Sends a request; {@code path} is used as given, so it may carry raw percent-encodings. */
  public HttpResponse<String> send(String method, String path, String token, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI base() {
    return base;
  }

  @Override
  public void close() {
    app.close();
  }
}
