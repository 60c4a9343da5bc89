package dev.convoarchive.supabase;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.supabase.live.LiveTables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The settings this adapter reads and what they mean: the one place that knows their names, so
 * the service only hands it a way to look values up and a place to report problems.
 */
public final class SupabaseSettings {

  /** One setting; {@code defaultValue} is empty when unset means "off" or "none". */
  public record Setting(String name, String defaultValue, String meaning) {}

  public static final String DB_URL = "SUPABASE_DB_URL";
  public static final String LIVE_SCHEMA = "LIVE_SCHEMA";

  /** Every setting read here, in the order --help and docs/operations.md list them. */
  public static final List<Setting> ALL = all();

  private SupabaseSettings() {}

  private static List<Setting> all() {
    List<Setting> all = new ArrayList<>(List.of(
        new Setting(DB_URL, "", "`postgres://user:pass@host:port/db` (as Supabase shows it) or "
            + "`jdbc:postgresql://...`; unset with `S3_BUCKET` unset: local mode, on an embedded PostgreSQL"),
        new Setting("ARCHIVE_DB_SCHEMA", SupabaseDbConfig.DEFAULT_SERVICE_SCHEMA, "the service's own schema in "
            + "the live database, created and migrated at start-up; any name (always quoted), not `public`"),
        new Setting("ARCHIVE_DB_POOL_SIZE", String.valueOf(SupabaseDbConfig.DEFAULT_POOL_SIZE), "the most "
            + "connections to the live database at once (1 to 200); the per-file index in PostgreSQL has a "
            + "pool of the same size"),
        new Setting("ARCHIVE_DB_TIMEOUT", SupabaseDbConfig.DEFAULT_TIMEOUT.toString(), "the longest the "
            + "service waits on the database: for a pooled connection and for each answer; past it a request "
            + "answers 503 with `Retry-After`"),
        new Setting(LIVE_SCHEMA, SupabaseDbConfig.DEFAULT_SCHEMA, "the schema of the app's conversation table (the "
            + "tables of its tree may be in any schema)"),
        new Setting(LiveTables.UNDECLARED_KEYS_SETTING, "", "references the app keeps without a foreign key, whose rows "
            + "belong to a conversation: `child(column, ...) -> parent(column, ...)`, a table optionally as "
            + "`schema.table`, several separated by `;`"),
        new Setting(LiveTables.ACCOUNT_TABLE_SETTING, LiveTables.AccountTable.DEFAULT.toString(), "the table whose row "
            + "goes when a user's account is removed, as `schema.table(id_column)`: the capture kit records a removed "
            + "user from it (see `ACCOUNT_DELETION`)")));
    for (LiveTables.Part part : LiveTables.Part.values()) {
      all.add(new Setting(part.setting(), part.defaultName(), part.meaning()));
    }
    return List.copyOf(all);
  }

  /** The names a script is filled with (print-sql), read without a database URL. */
  public record Names(String schema, String serviceSchema, LiveTables tables) {}

  /**
   * The live database's settings: empty when {@value #DB_URL} is unset or a value is wrong, each
   * wrong value told to {@code problems}. {@code values} looks a setting up by name.
   */
  public static Optional<SupabaseDbConfig> read(Function<String, Optional<String>> values, Consumer<String> problems) {
    Optional<Names> names = readNames(values, problems);
    Duration timeout = parse(values, problems, "ARCHIVE_DB_TIMEOUT", Duration::parse,
        "an ISO-8601 duration such as PT15S").orElse(SupabaseDbConfig.DEFAULT_TIMEOUT);
    int poolSize = parse(values, problems, "ARCHIVE_DB_POOL_SIZE", Integer::parseInt, "a number from 1 to 200")
        .orElse(SupabaseDbConfig.DEFAULT_POOL_SIZE);
    // Checked on their own too, so that every wrong value is told at once.
    if (poolSize < 1 || poolSize > 200) {
      problems.accept("ARCHIVE_DB_POOL_SIZE: must be between 1 and 200; got " + poolSize);
    }
    if (timeout.toMillis() < 1000 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      problems.accept("ARCHIVE_DB_TIMEOUT: must be between 1 second and 10 minutes; got " + timeout);
    }
    Optional<String> url = values.apply(DB_URL);
    if (url.isEmpty() || names.isEmpty() || poolSize < 1 || poolSize > 200 || timeout.toMillis() < 1000
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      return Optional.empty();
    }
    return attempt(problems, () -> SupabaseDbConfig.fromUrl(url.get()).withSchema(names.get().schema())
        .withServiceSchema(names.get().serviceSchema()).withTimeout(timeout).withPoolSize(poolSize)
        .withTables(names.get().tables()));
  }

  /** The schema names and every LIVE_* name, each checked. */
  public static Optional<Names> readNames(Function<String, Optional<String>> values, Consumer<String> problems) {
    String serviceSchema = values.apply("ARCHIVE_DB_SCHEMA").orElse(SupabaseDbConfig.DEFAULT_SERVICE_SCHEMA);
    String schema = values.apply(LIVE_SCHEMA).orElse(SupabaseDbConfig.DEFAULT_SCHEMA);
    Map<LiveTables.Part, String> parts = new EnumMap<>(LiveTables.Part.class);
    for (LiveTables.Part part : LiveTables.Part.values()) {
      values.apply(part.setting()).ifPresent(name -> parts.put(part, name));
    }
    Optional<List<LiveTables.UndeclaredKey>> keys = attempt(problems,
        () -> values.apply(LiveTables.UNDECLARED_KEYS_SETTING).map(LiveTables::parseUndeclaredKeys).orElse(List.of()));
    Optional<LiveTables.AccountTable> account = attempt(problems, () -> values.apply(LiveTables.ACCOUNT_TABLE_SETTING)
        .map(LiveTables.AccountTable::parse).orElse(LiveTables.AccountTable.DEFAULT));
    Optional<LiveTables> tables = attempt(problems, () -> new LiveTables(parts, keys.orElse(List.of()),
        account.orElse(LiveTables.AccountTable.DEFAULT)));
    Optional<String> checkedSchema = attempt(problems, () -> SupabaseDbConfig.checkSchema(LIVE_SCHEMA, schema));
    Optional<String> checkedService = attempt(problems, () -> SupabaseDbConfig.checkServiceSchema(serviceSchema));
    if (tables.isEmpty() || keys.isEmpty() || account.isEmpty() || checkedSchema.isEmpty() || checkedService.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Names(schema, serviceSchema, tables.get()));
  }

  private static <T> Optional<T> parse(Function<String, Optional<String>> values, Consumer<String> problems, String name,
      Function<String, T> parser, String expected) {
    Optional<String> text = values.apply(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(text.get()));
    } catch (RuntimeException e) {
      problems.accept(name + ": must be " + expected + "; got " + InvalidInputException.quote(text.get()));
      return Optional.empty();
    }
  }

  private static <T> Optional<T> attempt(Consumer<String> problems, Supplier<T> build) {
    try {
      return Optional.of(build.get());
    } catch (InvalidInputException e) {
      problems.accept(e.getMessage());
      return Optional.empty();
    }
  }
}
