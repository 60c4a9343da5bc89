package dev.convoarchive.http.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ConfigException;
import dev.convoarchive.s3.Compression;
import dev.convoarchive.s3.StorageVariant;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static final Map<String, String> PRODUCTION = Map.of(
      "S3_BUCKET", "chat-archive",
      "SUPABASE_DB_URL", "postgres://postgres:secret@db.abcdefgh.supabase.co:5432/postgres",
      "SUPABASE_URL", "https://abcdefgh.supabase.co");

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> copy = new java.util.HashMap<>(base);
    copy.put(key, value);
    return copy;
  }

  @Test
  void nothingConfiguredMeansLocalModeWithTheDefaults() {
    AppConfig config = AppConfig.load(Map.of(), new Properties());
    assertThat(config.localMode()).isTrue();
    assertThat(config.port()).isEqualTo(7070);
    assertThat(config.s3().variant()).isEqualTo(StorageVariant.PER_FILE_POSTGRES_INDEX);
    assertThat(config.s3().compression()).isEqualTo(Compression.GZIP);
  }

  @Test
  void readsAProductionConfiguration() {
    Map<String, String> env = with(with(with(PRODUCTION, "ARCHIVE_STRATEGY", "single-file"), "S3_ENDPOINT", "http://minio:9000"),
        "S3_PATH_STYLE", "true");
    AppConfig config = AppConfig.load(env, new Properties());

    assertThat(config.localMode()).isFalse();
    assertThat(config.s3().variant()).isEqualTo(StorageVariant.SINGLE_FILE);
    assertThat(config.s3().bucket()).isEqualTo("chat-archive");
    assertThat(config.s3().variant()).isEqualTo(StorageVariant.SINGLE_FILE);
    assertThat(config.s3().endpoint()).contains(URI.create("http://minio:9000"));
    assertThat(config.s3().pathStyle()).isTrue();
    assertThat(config.database().orElseThrow().user()).isEqualTo("postgres");
    assertThat(config.auth().supabaseUrl()).contains(URI.create("https://abcdefgh.supabase.co"));
  }

  @Test
  void aSystemPropertyOverridesTheEnvironment() {
    Properties properties = new Properties();
    properties.setProperty("PORT", "8081");
    properties.setProperty("ARCHIVE_STRATEGY", "single-file");
    AppConfig config = AppConfig.load(Map.of("PORT", "9000"), properties);
    assertThat(config.port()).isEqualTo(8081);
    assertThat(config.s3().variant()).isEqualTo(StorageVariant.SINGLE_FILE);
  }

  @Test
  void anUnknownStrategyStopsStartUpListingTheValidOnes() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("ARCHIVE_STRATEGY", "perfile"), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ARCHIVE_STRATEGY")
        .hasMessageContaining("per-file, single-file")
        .hasMessageContaining("\"perfile\"");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, String> env = Map.of("PORT", "http", "ARCHIVE_COMPRESSION", "zip", "S3_PATH_STYLE", "yes",
        "S3_BUCKET", "Bad_Bucket", "SUPABASE_URL", "not a url");
    assertThatThrownBy(() -> AppConfig.load(env, new Properties()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSizeGreaterThanOrEqualTo(6))
        .hasMessageContaining("PORT").hasMessageContaining("ARCHIVE_COMPRESSION").hasMessageContaining("gzip, none")
        .hasMessageContaining("S3_PATH_STYLE").hasMessageContaining("S3_BUCKET").hasMessageContaining("SUPABASE_URL")
        .hasMessageContaining("SUPABASE_DB_URL: is not set while S3_BUCKET is");
  }

  @Test
  void productionNeedsAWayToCheckTokens() {
    Map<String, String> env = new java.util.HashMap<>(PRODUCTION);
    env.remove("SUPABASE_URL");
    assertThatThrownBy(() -> AppConfig.load(env, new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SUPABASE_URL or SUPABASE_JWT_SECRET");
    assertThatThrownBy(() -> AppConfig.load(with(env, "SUPABASE_JWT_SECRET", "short"), new Properties()))
        .hasMessageContaining("shorter than 32 characters");
  }

  @Test
  void aBadDatabaseUrlIsNamed() {
    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "SUPABASE_DB_URL", "mysql://x/y"), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SUPABASE_DB_URL: must start with postgres://");
  }

  @Test
  void thePerFileIndexIsInPostgresByDefaultInItsOwnSchemaAndBothAreConfigurable() {
    AppConfig defaults = AppConfig.load(PRODUCTION, new Properties());
    assertThat(defaults.s3().variant()).isEqualTo(StorageVariant.PER_FILE_POSTGRES_INDEX);
    assertThat(defaults.database().orElseThrow().serviceSchema()).isEqualTo("convo_archive");

    AppConfig chosen = AppConfig.load(with(with(PRODUCTION, "ARCHIVE_INDEX", "s3"), "ARCHIVE_DB_SCHEMA", "archive_ops"),
        new Properties());
    assertThat(chosen.s3().variant()).isEqualTo(StorageVariant.PER_FILE_S3_INDEX);
    assertThat(chosen.database().orElseThrow().serviceSchema()).isEqualTo("archive_ops");

    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "ARCHIVE_INDEX", "dynamo"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ARCHIVE_INDEX").hasMessageContaining("postgres, s3");
    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "ARCHIVE_DB_SCHEMA", "public"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ARCHIVE_DB_SCHEMA").hasMessageContaining("other than public");
  }

  @Test
  void theMetricsPortListensOnLoopbackUnlessMetricsHostNamesAnAddress() {
    Map<String, String> ownPort = with(PRODUCTION, "METRICS_PORT", "9100");
    assertThat(AppConfig.load(ownPort, new Properties()).web().metricsHost()).isEqualTo("127.0.0.1");
    assertThat(AppConfig.load(with(ownPort, "METRICS_HOST", "10.0.0.11"), new Properties()).web().metricsHost())
        .isEqualTo("10.0.0.11");
    assertThat(AppConfig.load(with(ownPort, "METRICS_HOST", "::1"), new Properties()).web().metricsHost()).isEqualTo("::1");
    assertThatThrownBy(() -> AppConfig.load(with(ownPort, "METRICS_HOST", "metrics.example.com"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("METRICS_HOST").hasMessageContaining("an IP address");
    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "METRICS_HOST", "0.0.0.0"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("METRICS_HOST: applies to METRICS_PORT only");
  }

  @Test
  void theSweepersRateCapHasADefaultAndCanBeLiftedOrRefused() {
    assertThat(AppConfig.load(PRODUCTION, new Properties()).sweep().settings().maxRate()).isEqualTo(200);
    assertThat(AppConfig.load(with(PRODUCTION, "SWEEP_MAX_RATE", "12.5"), new Properties()).sweep().settings().maxRate())
        .isEqualTo(12.5);
    assertThat(AppConfig.load(with(PRODUCTION, "SWEEP_MAX_RATE", "none"), new Properties()).sweep().settings().maxRate())
        .isInfinite();
    for (String bad : List.of("0", "-3", "fast", "NaN")) {
      assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "SWEEP_MAX_RATE", bad), new Properties()))
          .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("SWEEP_MAX_RATE");
    }
    assertThat(AppConfig.load(PRODUCTION, new Properties()).sweep().settings().claimBudget()).isEqualTo(Duration.ofMillis(500));
    assertThat(AppConfig.load(with(PRODUCTION, "SWEEP_DB_BUDGET", "PT2S"), new Properties()).sweep().settings().claimBudget())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "SWEEP_DB_BUDGET", "PT0S"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWEEP_DB_BUDGET");
  }

  @Test
  void storeTimeoutsHaveBoundedDefaultsAndAreConfigurable() {
    AppConfig defaults = AppConfig.load(PRODUCTION, new Properties());
    assertThat(defaults.database().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(defaults.s3().callTimeout()).isEqualTo(Duration.ofSeconds(30));

    AppConfig chosen = AppConfig.load(with(with(PRODUCTION, "ARCHIVE_DB_TIMEOUT", "PT5S"), "ARCHIVE_S3_TIMEOUT", "PT1M"),
        new Properties());
    assertThat(chosen.database().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(chosen.s3().callTimeout()).isEqualTo(Duration.ofMinutes(1));

    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "ARCHIVE_DB_TIMEOUT", "5 seconds"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ARCHIVE_DB_TIMEOUT").hasMessageContaining("PT15S");
    assertThatThrownBy(() -> AppConfig.load(with(PRODUCTION, "ARCHIVE_S3_TIMEOUT", "PT0S"), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ARCHIVE_S3_TIMEOUT");
  }

  @Test
  void theSweeperIsOffByDefaultAndEverySettingIsReadAndChecked() {
    AppConfig defaults = AppConfig.load(PRODUCTION, new Properties());
    assertThat(defaults.sweep().enabled()).isFalse();
    assertThat(defaults.sweep().source().deletedColumn()).isEqualTo("deleted_at");
    assertThat(defaults.sweep().source().inactiveAfter()).isEmpty();
    assertThat(defaults.sweep().settings().retention()).isEmpty();

    Map<String, String> env = new java.util.HashMap<>(PRODUCTION);
    env.putAll(Map.of("SWEEPER", "on", "SWEEP_DELETED_COLUMN", "removed_at", "SWEEP_INTERVAL", "PT30S",
        "SWEEP_BATCH_SIZE", "250", "SWEEP_CONCURRENCY", "8", "SWEEP_LEASE", "PT10M", "SWEEP_INACTIVE_AFTER", "P180D",
        "ARCHIVE_RETENTION", "P730D"));
    AppConfig chosen = AppConfig.load(env, new Properties());
    assertThat(chosen.sweep().enabled()).isTrue();
    assertThat(chosen.sweep().source().deletedColumn()).isEqualTo("removed_at");
    assertThat(chosen.sweep().source().inactiveAfter()).contains(Duration.ofDays(180));
    assertThat(chosen.sweep().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(chosen.sweep().settings().batchSize()).isEqualTo(250);
    assertThat(chosen.sweep().settings().concurrency()).isEqualTo(8);
    assertThat(chosen.sweep().settings().lease()).isEqualTo(Duration.ofMinutes(10));
    assertThat(chosen.sweep().settings().retention()).contains(Duration.ofDays(730));

    Map<String, String> bad = new java.util.HashMap<>(PRODUCTION);
    bad.putAll(Map.of("SWEEPER", "yes", "SWEEP_DELETED_COLUMN", "deleted_at; drop table x", "SWEEP_BATCH_SIZE", "0",
        "ARCHIVE_RETENTION", "PT1H", "SWEEP_LEASE", "PT1S"));
    assertThatThrownBy(() -> AppConfig.load(bad, new Properties())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWEEPER").hasMessageContaining("SWEEP_DELETED_COLUMN").hasMessageContaining("SWEEP_BATCH_SIZE")
        .hasMessageContaining("ARCHIVE_RETENTION").hasMessageContaining("SWEEP_LEASE");
  }

  /** --help and docs/operations.md show Settings.ALL: it must be exactly what is read. */
  @Test
  void theSettingsListIsExactlyWhatIsRead() {
    java.util.Set<String> listed = new java.util.TreeSet<>();
    dev.convoarchive.http.config.Settings.ALL.forEach(setting -> assertThat(listed.add(setting.name()))
        .as("listed once: " + setting.name()).isTrue());
    assertThat(AppConfig.settingsRead(Map.of())).isEqualTo(listed);
  }

  @Test
  void theNewSettingsAreReadAndChecked() {
    Map<String, String> env = new java.util.HashMap<>(PRODUCTION);
    env.put("CORS_ALLOWED_ORIGINS", "https://Chat.Example.com:443, http://localhost:3000");
    env.put("ARCHIVE_DB_POOL_SIZE", "25");
    env.put("METRICS_PORT", "9464");
    env.put("ARCHIVED_CHATS_PAGE", "on");
    env.put("LIVE_CONVERSATIONS_TABLE", "chats");
    AppConfig config = AppConfig.load(env, new Properties());
    assertThat(config.web().corsAllowedOrigins()).containsExactly("https://chat.example.com", "http://localhost:3000");
    assertThat(config.database().orElseThrow().poolSize()).isEqualTo(25);
    assertThat(config.web().metricsPort()).contains(9464);
    assertThat(config.web().archivedChatsPage()).isTrue();
    assertThat(config.database().orElseThrow().tables().name(dev.convoarchive.supabase.live.LiveTables.Part.CONVERSATIONS_TABLE))
        .contains("chats");
    assertThat(AppConfig.load(PRODUCTION, new Properties()).web().archivedChatsPage()).as("off in production").isFalse();
    assertThat(AppConfig.load(Map.of(), new Properties()).web().archivedChatsPage()).as("on in local mode").isTrue();

    Map<String, String> bad = new java.util.HashMap<>(PRODUCTION);
    bad.put("CORS_ALLOWED_ORIGINS", "https://chat.example.com/path");
    bad.put("ARCHIVE_DB_POOL_SIZE", "0");
    bad.put("METRICS_PORT", "http");
    bad.put("ARCHIVED_CHATS_PAGE", "yes");
    bad.put("LOG_FORMAT", "xml");
    bad.put("SERVICE_KEY_HASHES", "md5:abc");
    bad.put("LIVE_MESSAGES_TABLE", "m".repeat(64));
    assertThatThrownBy(() -> AppConfig.load(bad, new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CORS_ALLOWED_ORIGINS").hasMessageContaining("ARCHIVE_DB_POOL_SIZE")
        .hasMessageContaining("METRICS_PORT").hasMessageContaining("ARCHIVED_CHATS_PAGE")
        .hasMessageContaining("LOG_FORMAT").hasMessageContaining("SERVICE_KEY_HASHES")
        .hasMessageContaining("LIVE_MESSAGES_TABLE");
  }

  @Test
  void metricsCannotShareThePort() {
    Map<String, String> env = new java.util.HashMap<>(PRODUCTION);
    env.put("PORT", "8080");
    env.put("METRICS_PORT", "8080");
    assertThatThrownBy(() -> AppConfig.load(env, new Properties())).hasMessageContaining("METRICS_PORT: is the same as PORT");
  }
}
