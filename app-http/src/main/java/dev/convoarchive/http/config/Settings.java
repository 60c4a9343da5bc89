package dev.convoarchive.http.config;

import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseSettings;
import dev.convoarchive.supabase.store.SweepSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting the service reads, with its default and meaning: the one list {@code --help}
 * prints and docs/operations.md's configuration table shows (a test keeps the three in step).
 */
public final class Settings {

  /** One setting; {@code defaultValue} is empty when unset means "off" or "none". */
  public record Setting(String name, String defaultValue, String meaning) {}

  private Settings() {}

  public static final List<Setting> ALL = all();

  private static List<Setting> all() {
    List<Setting> all = new ArrayList<>(List.of(
        new Setting("PORT", String.valueOf(AppConfig.DEFAULT_PORT), "HTTP port"),
        new Setting("METRICS_PORT", "", "serve `/metrics` on this port only (for a scraper on a private network); "
            + "unset: on `PORT`"),
        new Setting("METRICS_HOST", AppConfig.WebSettings.DEFAULT_METRICS_HOST, "the address `METRICS_PORT` listens "
            + "on: this machine only by default; the private network's address (e.g. `10.0.0.11`), or `0.0.0.0` for "
            + "every interface"),
        new Setting("ARCHIVE_STRATEGY", StorageVariant.byDefault().strategy(), Stream.of(StorageVariant.values())
            .map(variant -> "`" + variant.strategy() + "`").distinct().collect(Collectors.joining(" or "))),
        new Setting("ARCHIVE_INDEX", "postgres", "where `per-file` keeps its index: `postgres` (a table in the "
            + "service's own schema) or `s3` (`_metadata.json` per user)"),
        new Setting("ARCHIVE_COMPRESSION", "gzip", "`gzip` or `none`"),
        new Setting("SEARCH", "full", "search in the archive (`GET .../archive?q=`): `full` (titles and message text), "
            + "`titles` (no message text kept for it) or `off`"),
        new Setting("SEARCH_CONFIG", SearchSettings.DEFAULT_CONFIG, "with the PostgreSQL index, the text-search "
            + "configuration search documents are built with: `simple` (every language, words as written) or one "
            + "PostgreSQL ships, such as `english` (stems); after a change, `rebuild-index` rebuilds them"),
        new Setting("S3_BUCKET", "", "the bucket (must exist); unset with `SUPABASE_DB_URL` unset: local mode, "
            + "on an embedded S3 server"),
        new Setting("S3_PREFIX", S3ArchiveConfig.DEFAULT_PREFIX, "key prefix"),
        new Setting("S3_ENDPOINT", "", "endpoint of an S3-compatible store (MinIO, R2, Supabase Storage, ...); "
            + "unset: AWS"),
        new Setting("S3_PATH_STYLE", "false", "`true` for path-style addressing"),
        new Setting("AWS_REGION", S3ArchiveConfig.DEFAULT_REGION, "signing region (`AWS_DEFAULT_REGION` is read "
            + "when this is unset)"),
        new Setting("AWS_DEFAULT_REGION", "", "signing region, when `AWS_REGION` is unset"),
        new Setting("ARCHIVE_S3_TIMEOUT", S3ArchiveConfig.DEFAULT_CALL_TIMEOUT.toString(), "the longest one S3 "
            + "request may take, the SDK's retries included (each attempt gets a third); past it a request "
            + "answers 503 with `Retry-After`"),
        new Setting("SUPABASE_URL", "", "project URL; user tokens are checked against "
            + "`{SUPABASE_URL}/auth/v1/.well-known/jwks.json` (ES256/RS256) and issuer `{SUPABASE_URL}/auth/v1`"),
        new Setting("SUPABASE_JWT_SECRET", "", "legacy HS256 JWT secret: checks legacy user tokens and the "
            + "legacy `service_role` key"),
        new Setting("SERVICE_KEY_HASHES", "", "comma-separated `sha256:<hex>` hashes of the service keys the "
            + "chat backend may send instead of a user token (`service-key` prints a new key and its hash); "
            + "several at once for rotation"),
        new Setting("CORS_ALLOWED_ORIGINS", "", "comma-separated origins (`https://chat.example.com`) whose "
            + "browser pages may call `/v1/`; unset: none"),
        new Setting("ARCHIVED_CHATS_PAGE", "off", "`on` serves the \"Archived chats\" page at `/archived-chats/` "
            + "(always on in local mode)"),
        new Setting("LOG_FORMAT", "text", "`text` (one line per event, ISO-8601 time with zone) or `json` (JSON "
            + "lines)"),
        new Setting("MAX_BODY_BYTES", String.valueOf(AppConfig.DEFAULT_MAX_BODY_BYTES), "largest request body "
            + "accepted"),
        new Setting("SWEEPER", "off", "`on` runs the background sweeper (see \"Adopting it without changing the "
            + "chat app\")"),
        new Setting("SWEEP_INTERVAL", SweepConfig.DEFAULT_INTERVAL.toString(), "pause between sweeper passes"),
        new Setting("SWEEP_BATCH_SIZE", String.valueOf(SweepConfig.DEFAULT_BATCH_SIZE), "conversations claimed "
            + "at once"),
        new Setting("SWEEP_CONCURRENCY", String.valueOf(SweepConfig.DEFAULT_CONCURRENCY), "conversations "
            + "archived at once per instance"),
        new Setting("SWEEP_MAX_RATE", String.valueOf((int) SweepConfig.DEFAULT_MAX_RATE), "the most conversations a "
            + "second one instance starts to archive, so that a backlog leaves the database to the app (a claim takes no "
            + "more than that starts within half a lease); `none` for no cap"),
        new Setting("SWEEP_DB_BUDGET", Sweeper.Settings.DEFAULT_CLAIM_BUDGET.toString(), "how long the sweeper's claim "
            + "may take before it takes the database as busy and halves its pace (again each time; a quick claim "
            + "speeds it up by a fifth, up to SWEEP_MAX_RATE)"),
        new Setting("SWEEP_LEASE", SweepConfig.DEFAULT_LEASE.toString(), "how long a claim holds; a crashed "
            + "instance's claims lapse after it"),
        new Setting("CAPTURE_SETTLE", SweepSource.DEFAULT_CAPTURE_SETTLE.toString(), "how long a deleted conversation "
            + "waits after its row is captured, so that rows of tables without a declared key, deleted just after it, "
            + "join it"),
        new Setting("CAPTURE_WINDOW", SweepSource.DEFAULT_CAPTURE_WINDOW.toString(), "captured rows (a message, a "
            + "vote) whose conversation is not deleted within this long were edits or regenerations: they are dropped, "
            + "not archived"),
        new Setting("ACCOUNT_DELETION", "erase", "`erase`: when a user's account row goes (`ACCOUNT_TABLE`), their "
            + "captured conversations and whole archive are erased (the right to erasure); `keep`: their deleted "
            + "conversations are archived like any other"),
        new Setting("SWEEP_INACTIVE_AFTER", "", "cold tiering: also archive conversations inactive this long "
            + "(e.g. `P180D`); unset: off"),
        new Setting("ARCHIVE_RETENTION", "", "erase archived conversations archived longer ago than this (e.g. "
            + "`P365D`); unset: kept for ever"),
        new Setting("DATA_DIR", "data", "where local mode keeps its data")));
    // The live database's settings are its adapter's to name and read.
    int afterS3 = all.indexOf(all.stream().filter(s -> s.name().equals("ARCHIVE_S3_TIMEOUT")).findFirst().orElseThrow()) + 1;
    all.addAll(afterS3, SupabaseSettings.ALL.stream().filter(s -> !s.name().startsWith("LIVE_")
        && !s.name().equals("SWEEP_DELETED_COLUMN")).map(s -> new Setting(s.name(), s.defaultValue(), s.meaning())).toList());
    SupabaseSettings.ALL.stream().filter(s -> s.name().startsWith("LIVE_") || s.name().equals("SWEEP_DELETED_COLUMN"))
        .forEach(s -> all.add(new Setting(s.name(), s.defaultValue(), s.meaning())));
    return List.copyOf(all);
  }
}
