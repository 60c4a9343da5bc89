package dev.convoarchive.http.config;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.s3.Compression;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.SupabaseSettings;
import dev.convoarchive.supabase.store.SweepSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The service's configuration, read once at boot from environment variables, each of which may
 * also be given as a {@code -D} system property of the same name (the property wins). Everything
 * is checked here, so a bad value stops start-up with a message instead of failing later.
 *
 * @param port the HTTP port (0 picks a free one)
 * @param s3 where and how archives are stored (the storage variant and compression included); in local mode
 *     the bucket is {@value #LOCAL_BUCKET} on the embedded server, whose endpoint local mode adds
 * @param database the live database; empty in local mode until local mode starts its own
 * @param auth how tokens are checked; in local mode a secret is generated
 * @param dataDirectory where local mode keeps its data
 * @param maxBodyBytes the largest request body accepted
 * @param localMode true when neither S3_BUCKET nor SUPABASE_DB_URL is set: the service then starts
 *     its own S3 server and PostgreSQL
 * @param sweep the background sweeper (off by default)
 * @param web what browsers and scrapers see: allowed origins, the archive page, the metrics port
 */
public record AppConfig(
    int port,
    S3ArchiveConfig s3,
    Optional<SupabaseDbConfig> database,
    AuthSettings auth,
    Path dataDirectory,
    int maxBodyBytes,
    boolean localMode,
    SweepConfig sweep,
    WebSettings web,
    SearchSettings search) {

  /** With search as by default (SEARCH=full, SEARCH_CONFIG=simple). */
  public AppConfig(int port, S3ArchiveConfig s3, Optional<SupabaseDbConfig> database, AuthSettings auth, Path dataDirectory,
      int maxBodyBytes, boolean localMode, SweepConfig sweep, WebSettings web) {
    this(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, SearchSettings.DEFAULT);
  }

  public static final int DEFAULT_PORT = 7070;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final String LOCAL_BUCKET = "convo-archive-local";

  /**
   * How callers are verified: user tokens by a legacy HS256 secret, a Supabase project's JWKS, or
   * both; the chat backend by the legacy service_role key (with the secret) or by service keys,
   * of which only SHA-256 hashes are configured.
   */
  public record AuthSettings(Optional<String> jwtSecret, Optional<URI> supabaseUrl, List<ServiceKeyHash> serviceKeys) {
    public AuthSettings {
      serviceKeys = List.copyOf(serviceKeys);
    }

    public AuthSettings(Optional<String> jwtSecret, Optional<URI> supabaseUrl) {
      this(jwtSecret, supabaseUrl, List.of());
    }

    public boolean configured() {
      return jwtSecret.isPresent() || supabaseUrl.isPresent();
    }

    public AuthSettings withServiceKeys(List<ServiceKeyHash> serviceKeys) {
      return new AuthSettings(jwtSecret, supabaseUrl, serviceKeys);
    }
  }

  /**
   * What browsers and scrapers see.
   *
   * @param corsAllowedOrigins origins whose pages may call the API (none by default)
   * @param archivedChatsPage whether the "Archived chats" page is served
   * @param metricsPort a separate port for /metrics; empty: on the service's port
   */
  public record WebSettings(List<String> corsAllowedOrigins, boolean archivedChatsPage, Optional<Integer> metricsPort,
      String metricsHost) {
    /** Where METRICS_PORT listens unless told: this machine only. */
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

    public WebSettings {
      corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }

    public static WebSettings defaults() {
      return new WebSettings(List.of(), false, Optional.empty(), DEFAULT_METRICS_HOST);
    }

    public WebSettings withCorsAllowedOrigins(List<String> origins) {
      return new WebSettings(origins, archivedChatsPage, metricsPort, metricsHost);
    }

    public WebSettings withArchivedChatsPage(boolean on) {
      return new WebSettings(corsAllowedOrigins, on, metricsPort, metricsHost);
    }

    public WebSettings withMetricsPort(Optional<Integer> port) {
      return new WebSettings(corsAllowedOrigins, archivedChatsPage, port, metricsHost);
    }

    public WebSettings withMetricsHost(String host) {
      return new WebSettings(corsAllowedOrigins, archivedChatsPage, metricsPort, host);
    }
  }

  public AppConfig withSearch(SearchSettings search) {
    return new AppConfig(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  public AppConfig withPort(int port) {
    return new AppConfig(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  public AppConfig withSweep(SweepConfig sweep) {
    return new AppConfig(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  public AppConfig withAuth(AuthSettings auth) {
    return new AppConfig(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  public AppConfig withWeb(WebSettings web) {
    return new AppConfig(port, s3, database, auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  public AppConfig withStorage(S3ArchiveConfig s3, SupabaseDbConfig database) {
    return new AppConfig(port, s3, Optional.of(database), auth, dataDirectory, maxBodyBytes, localMode, sweep, web, search);
  }

  /** Reads the process's environment and system properties. */
  public static AppConfig fromEnvironment() {
    return load(System.getenv(), System.getProperties());
  }

  public static AppConfig load(Map<String, String> env, Properties properties) {
    return load(new Reader(env, properties));
  }

  private static AppConfig load(Reader in) {
    int port = in.get("PORT", DEFAULT_PORT, AppConfig::portNumber, "a port number from 0 to 65535");
    int maxBody = in.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, Integer::parseUnsignedInt, "a number of bytes");
    Path dataDirectory = in.get("DATA_DIR", Path.of("data"), Path::of, "a folder path");

    Optional<S3ArchiveConfig> s3 = s3(in);
    Optional<SupabaseDbConfig> database = SupabaseSettings.read(in::text, in::problem);
    Optional<URI> supabaseUrl = in.text("SUPABASE_URL").flatMap(text -> in.parse("SUPABASE_URL", text, AppConfig::httpUri,
        "the project URL, e.g. https://abcdefgh.supabase.co"));
    Optional<String> secret = in.text("SUPABASE_JWT_SECRET");
    if (secret.isPresent() && secret.get().length() < 32) {
      in.problem("SUPABASE_JWT_SECRET: is shorter than 32 characters; copy the JWT secret from the Supabase dashboard");
    }
    List<ServiceKeyHash> serviceKeys = in.text("SERVICE_KEY_HASHES").map(text -> list(text).stream()
        .flatMap(entry -> in.attempt(() -> ServiceKeyHash.parse(entry)).stream()).toList()).orElse(List.of());
    AuthSettings auth = new AuthSettings(secret, supabaseUrl, serviceKeys);
    WebSettings web = web(in);
    if (web.metricsPort().isPresent() && web.metricsPort().get() != 0 && web.metricsPort().get() == port) {
      in.problem("METRICS_PORT: is the same as PORT (" + port + "); give /metrics a port of its own, or leave it unset "
          + "to serve /metrics on PORT");
    }
    in.get("LOG_FORMAT", "text", text -> switch (text) {
      case "text", "json" -> text; // read by logback.xml itself; checked here so a typo stops start-up
      default -> throw new IllegalArgumentException();
    }, "text or json");

    boolean s3Set = in.text("S3_BUCKET").isPresent();
    boolean dbSet = in.text("SUPABASE_DB_URL").isPresent();
    if (s3Set != dbSet) {
      in.problem((s3Set ? "SUPABASE_DB_URL" : "S3_BUCKET") + ": is not set while "
          + (s3Set ? "S3_BUCKET" : "SUPABASE_DB_URL") + " is; set both for production, or neither for local mode");
    }
    if (s3Set && dbSet && !auth.configured()) {
      in.problem("SUPABASE_URL or SUPABASE_JWT_SECRET: one is required to check access tokens");
    }
    SweepConfig sweep = sweep(in);
    SearchMode searchMode = in.text("SEARCH").flatMap(text -> in.attempt(() -> SearchMode.parse(text))).orElse(SearchMode.FULL);
    String searchConfig = in.text("SEARCH_CONFIG").flatMap(text -> in.parse("SEARCH_CONFIG", text, AppConfig::searchConfig,
        "a text-search configuration name such as simple or english")).orElse(SearchSettings.DEFAULT_CONFIG);
    in.throwIfAny();
    boolean localMode = !s3Set && !dbSet;
    return new AppConfig(port, s3.orElseThrow(), database, auth, dataDirectory, maxBody, localMode, sweep,
        web.withArchivedChatsPage(web.archivedChatsPage() || localMode), new SearchSettings(searchMode, searchConfig));
  }

  /**
   * The names of every setting {@link #load} reads (whatever their values), so that a test can
   * hold the list --help prints and docs/operations.md shows to what is really read.
   */
  public static Set<String> settingsRead(Map<String, String> env) {
    Reader in = new Reader(env, new Properties());
    try {
      load(in);
    } catch (ConfigException expected) {
      // problems do not matter here, only which names were asked for
    }
    return in.read;
  }

  /** Where the archive is, and nothing else: what check-storage needs. */
  public record StorageSettings(S3ArchiveConfig s3, boolean embedded) {}

  /** Reads the S3 settings only; the database and auth settings are neither needed nor checked. */
  public static StorageSettings loadStorage(Map<String, String> env, Properties properties) {
    Reader in = new Reader(env, properties);
    Optional<S3ArchiveConfig> s3 = s3(in);
    in.throwIfAny();
    return new StorageSettings(s3.orElseThrow(), in.text("S3_BUCKET").isEmpty());
  }

  /** Reads the live database's settings only (describe-live); SUPABASE_DB_URL is required. */
  public static SupabaseDbConfig loadDatabase(Map<String, String> env, Properties properties) {
    Reader in = new Reader(env, properties);
    Optional<SupabaseDbConfig> database = SupabaseSettings.read(in::text, in::problem);
    if (in.text(SupabaseSettings.DB_URL).isEmpty()) {
      in.problem(SupabaseSettings.DB_URL + ": is required; give the database URL from Supabase's Connect dialog");
    }
    in.throwIfAny();
    return database.orElseThrow();
  }

  /** Reads the names only; no database URL is needed (the scripts are pasted into Supabase's SQL editor). */
  public static SupabaseSettings.Names loadDatabaseNames(Map<String, String> env, Properties properties) {
    Reader in = new Reader(env, properties);
    Optional<SupabaseSettings.Names> names = SupabaseSettings.readNames(in::text, in::problem);
    in.throwIfAny();
    return names.orElseThrow();
  }

  private static Optional<S3ArchiveConfig> s3(Reader in) {
    StorageVariant variant = in.attempt(() -> StorageVariant.configured(in.text("ARCHIVE_STRATEGY"), in.text("ARCHIVE_INDEX")))
        .orElse(StorageVariant.byDefault());
    Compression compression = in.get("ARCHIVE_COMPRESSION", Compression.GZIP, Compression::parse, null);
    Duration s3Timeout = in.get("ARCHIVE_S3_TIMEOUT", S3ArchiveConfig.DEFAULT_CALL_TIMEOUT, Duration::parse,
        "an ISO-8601 duration such as PT30S");
    Optional<String> bucket = in.text("S3_BUCKET");
    Optional<String> endpointText = in.text("S3_ENDPOINT");
    if (bucket.isEmpty() && endpointText.isPresent()) {
      in.problem("S3_BUCKET: is required when S3_ENDPOINT is set");
    }
    String prefix = in.text("S3_PREFIX").orElse(S3ArchiveConfig.DEFAULT_PREFIX);
    Optional<URI> endpoint = endpointText.flatMap(text -> in.parse("S3_ENDPOINT", text, AppConfig::httpUri, "an http(s) URL"));
    boolean pathStyle = in.get("S3_PATH_STYLE", false, AppConfig::bool, "true or false");
    String region = in.text("AWS_REGION").or(() -> in.text("AWS_DEFAULT_REGION")).orElse(S3ArchiveConfig.DEFAULT_REGION);
    return in.attempt(() -> new S3ArchiveConfig(bucket.orElse(LOCAL_BUCKET), prefix, endpoint,
        pathStyle, region, variant, compression, S3ArchiveConfig.DEFAULT_MAX_ATTEMPTS, s3Timeout));
  }

  private static WebSettings web(Reader in) {
    List<String> origins = in.text("CORS_ALLOWED_ORIGINS").map(AppConfig::list).orElse(List.of()).stream()
        .flatMap(origin -> in.parse("CORS_ALLOWED_ORIGINS", origin, AppConfig::origin,
            "a comma-separated list of origins such as https://chat.example.com (scheme, host and port only)").stream())
        .toList();
    boolean page = in.get("ARCHIVED_CHATS_PAGE", false, AppConfig::onOff, "on or off");
    Optional<Integer> metricsPort = in.text("METRICS_PORT")
        .flatMap(text -> in.parse("METRICS_PORT", text, AppConfig::portNumber, "a port number from 0 to 65535"));
    Optional<String> metricsHost = in.text("METRICS_HOST").flatMap(text -> in.parse("METRICS_HOST", text,
        AppConfig::ipAddress, "an IP address of this machine, such as 127.0.0.1, 10.0.0.11 or 0.0.0.0 (every interface)"));
    if (metricsHost.isPresent() && metricsPort.isEmpty()) {
      in.problem("METRICS_HOST: applies to METRICS_PORT only, which is unset (/metrics is then served on PORT)");
    }
    return new WebSettings(origins, page, metricsPort, metricsHost.orElse(WebSettings.DEFAULT_METRICS_HOST));
  }

  /** A text-search configuration's name, optionally schema-qualified; the database says at start-up whether it exists. */
  private static String searchConfig(String text) {
    if (!text.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException();
    }
    return text;
  }

  /** An IP address literal (v4 or v6): an address to listen on, never a name to look up. */
  private static String ipAddress(String text) {
    if (!text.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException();
    }
    try {
      java.net.InetAddress.getByName(text); // a literal is parsed, not looked up
      return text;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An origin as browsers send it: scheme://host[:port], nothing more. */
  private static String origin(String text) {
    URI uri = URI.create(text);
    boolean bare = (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null
        && uri.getFragment() == null && uri.getUserInfo() == null;
    if (uri.getHost() == null || !bare || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("not an origin");
    }
    // As browsers send it: lower case, no default port.
    int defaultPort = uri.getScheme().equals("https") ? 443 : 80;
    return uri.getScheme() + "://" + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() == -1 || uri.getPort() == defaultPort ? "" : ":" + uri.getPort());
  }

  private static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(entry -> !entry.isEmpty()).toList();
  }

  private static boolean onOff(String text) {
    return switch (text) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException();
    };
  }

  private static int portNumber(String text) {
    int value = Integer.parseInt(text);
    if (value < 0 || value > 65535) {
      throw new NumberFormatException();
    }
    return value;
  }

  private static SweepConfig sweep(Reader in) {
    SweepConfig defaults = SweepConfig.off();
    boolean enabled = in.get("SWEEPER", false, AppConfig::onOff, "on or off");
    String column = in.text("SWEEP_DELETED_COLUMN").orElse(SweepSource.DEFAULT_DELETED_COLUMN);
    Optional<Duration> inactiveAfter = in.text("SWEEP_INACTIVE_AFTER")
        .flatMap(text -> in.parse("SWEEP_INACTIVE_AFTER", text, Duration::parse, "an ISO-8601 duration such as P180D"));
    Duration interval = in.get("SWEEP_INTERVAL", defaults.interval(), Duration::parse, "an ISO-8601 duration such as PT5S");
    int batch = in.get("SWEEP_BATCH_SIZE", SweepConfig.DEFAULT_BATCH_SIZE, Integer::parseInt, "a number from 1 to 10000");
    int concurrency = in.get("SWEEP_CONCURRENCY", SweepConfig.DEFAULT_CONCURRENCY, Integer::parseInt, "a number from 1 to 256");
    Duration lease = in.get("SWEEP_LEASE", SweepConfig.DEFAULT_LEASE, Duration::parse, "an ISO-8601 duration such as PT5M");
    double maxRate = in.get("SWEEP_MAX_RATE", SweepConfig.DEFAULT_MAX_RATE, text -> {
      double rate = text.equals("none") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
      if (!(rate > 0) || Double.isNaN(rate)) {
        throw new IllegalArgumentException();
      }
      return rate;
    }, "conversations a second, more than 0, such as 200, or none");
    Duration claimBudget = in.get("SWEEP_DB_BUDGET", Sweeper.Settings.DEFAULT_CLAIM_BUDGET, Duration::parse,
        "an ISO-8601 duration such as PT0.5S");
    if (claimBudget.isNegative() || claimBudget.isZero()) {
      in.problem("SWEEP_DB_BUDGET: must be more than 0; got " + claimBudget);
    }
    Optional<Duration> retention = in.text("ARCHIVE_RETENTION")
        .flatMap(text -> in.parse("ARCHIVE_RETENTION", text, Duration::parse, "an ISO-8601 duration such as P365D"));
    if (interval.isNegative() || interval.isZero()) {
      in.problem("SWEEP_INTERVAL: must be more than 0; got " + interval);
    }
    if (lease.compareTo(Duration.ofSeconds(10)) < 0) {
      in.problem("SWEEP_LEASE: must be at least PT10S; got " + lease);
    }
    if (retention.isPresent() && retention.get().compareTo(Duration.ofDays(1)) < 0) {
      in.problem("ARCHIVE_RETENTION: must be at least P1D; got " + retention.get());
    }
    Duration settle = in.get("CAPTURE_SETTLE", SweepSource.DEFAULT_CAPTURE_SETTLE, Duration::parse,
        "an ISO-8601 duration such as PT2S");
    Duration window = in.get("CAPTURE_WINDOW", SweepSource.DEFAULT_CAPTURE_WINDOW, Duration::parse,
        "an ISO-8601 duration such as PT1H");
    boolean eraseAccounts = in.get("ACCOUNT_DELETION", true, text -> switch (text) {
      case "erase" -> true;
      case "keep" -> false;
      default -> throw new IllegalArgumentException();
    }, "erase or keep");
    Optional<SweepSource> source = in.attempt(() -> new SweepSource(column, inactiveAfter, settle, window, eraseAccounts));
    Optional<Sweeper.Settings> settings = Optional.empty();
    try {
      settings = Optional.of(new Sweeper.Settings(batch, concurrency, lease, retention, maxRate,
          claimBudget.isNegative() || claimBudget.isZero() ? Sweeper.Settings.DEFAULT_CLAIM_BUDGET : claimBudget));
    } catch (IllegalArgumentException e) {
      in.problem("SWEEP_BATCH_SIZE / SWEEP_CONCURRENCY: " + e.getMessage());
    }
    if (source.isEmpty() || settings.isEmpty()) {
      return defaults;
    }
    return new SweepConfig(enabled, source.get(), interval, settings.get());
  }

  private static URI httpUri(String text) {
    URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    return uri;
  }

  private static boolean bool(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  /** Looks values up and gathers every problem instead of stopping at the first. */
  private static final class Reader {
    private final Map<String, String> env;
    private final Properties properties;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> read = new TreeSet<>();
    private static final Set<String> KNOWN =
        Settings.ALL.stream().map(Settings.Setting::name).collect(Collectors.toUnmodifiableSet());

    Reader(Map<String, String> env, Properties properties) {
      this.env = env;
      this.properties = properties;
    }

    Optional<String> text(String name) {
      if (!KNOWN.contains(name)) {
        throw new IllegalStateException(name + " is read but not listed in Settings.ALL");
      }
      read.add(name);
      String value = properties.getProperty(name, env.get(name));
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    <T> T get(String name, T fallback, Function<String, T> parse, String expected) {
      return text(name).flatMap(text -> parse(name, text, parse, expected)).orElse(fallback);
    }

    <T> Optional<T> parse(String name, String text, Function<String, T> parse, String expected) {
      try {
        return Optional.of(parse.apply(text));
      } catch (InvalidInputException e) {
        problems.add(e.getMessage());
      } catch (RuntimeException e) {
        problems.add(name + ": must be " + expected + "; got " + InvalidInputException.quote(text));
      }
      return Optional.empty();
    }

    <T> Optional<T> attempt(Supplier<T> build) {
      try {
        return Optional.of(build.get());
      } catch (InvalidInputException e) {
        problems.add(e.getMessage());
        return Optional.empty();
      }
    }

    void problem(String problem) {
      problems.add(problem);
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }
  }
}
