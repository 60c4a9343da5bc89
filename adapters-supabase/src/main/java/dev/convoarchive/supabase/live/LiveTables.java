package dev.convoarchive.supabase.live;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.supabase.jdbc.Sql;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of the chat app's live tables and of the columns this service reads, for apps whose
 * tables are not named as in schema.sql (Chatbot UI's are {@code chats} with {@code name}, and
 * {@code messages} with {@code chat_id}). Every other column of those rows is kept too (as a
 * conversation's or message's extra columns), so a restore puts back what the app stored.
 *
 * <p>Names are taken as written (case, spaces and quotes included) and always quoted in SQL; the
 * start-up check ({@link ConversationTree}, {@link RowView}) says which are missing.
 */
public record LiveTables(Map<Part, String> names, List<UndeclaredKey> undeclaredKeys, AccountTable accountTable) {

  /** What a name stands for; {@link #setting()} is the setting that changes it. */
  public enum Part {
    CONVERSATIONS_TABLE("conversations", "the table of conversations"),
    CONVERSATIONS_ID("id", "the conversations table's primary key (uuid, text or integer)"),
    CONVERSATIONS_USER_ID("user_id", "the conversations table's owner column (the auth user's id: uuid or text)"),
    CONVERSATIONS_TITLE("title", "the conversations table's title column, or none"),
    CONVERSATIONS_CREATED_AT("created_at", "the conversations table's creation time column (timestamp, or epoch "
        + "seconds or milliseconds)"),
    CONVERSATIONS_UPDATED_AT("updated_at", "the conversations table's last-change time column, or none"),
    MESSAGES_TABLE("messages", "the table of messages, one of the conversation's tree; none: the archive keeps every "
        + "row but shows no messages"),
    MESSAGES_ID("id", "the messages table's id column"),
    MESSAGES_CONVERSATION_ID("conversation_id", "the messages table's reference to its conversation, used only when "
        + "no foreign key declares it"),
    MESSAGES_ROLE("role", "the messages table's role column (any text: user, assistant, system, tool, or the app's own)"),
    MESSAGES_CONTENT("content", "the messages table's content column: text, or JSON parts whose text parts are shown"),
    MESSAGES_METADATA("metadata", "the messages table's JSON column shown as metadata, or none"),
    MESSAGES_CREATED_AT("created_at", "the messages table's time column (timestamp, or epoch seconds or milliseconds; "
        + "messages are ordered by it, then by id), or none"),
    /** Never restored: a restored conversation must not come back marked deleted. */
    CONVERSATIONS_DELETED_AT("deleted_at", "the conversations column the retired soft-delete kit set; while it "
        + "exists the sweeper archives the rows where it is set (the upgrade to the capture kit), and a restore never "
        + "brings it back", "SWEEP_DELETED_COLUMN");

    private final String defaultName;
    private final String meaning;
    private final String setting;

    Part(String defaultName, String meaning) {
      this(defaultName, meaning, null);
    }

    Part(String defaultName, String meaning, String setting) {
      this.defaultName = defaultName;
      this.meaning = meaning;
      this.setting = setting == null ? "LIVE_" + name() : setting;
    }

    public String defaultName() {
      return defaultName;
    }

    public String meaning() {
      return meaning;
    }

    /** The setting (environment variable) that names this part. */
    public String setting() {
      return setting;
    }

    /** Parts that may be {@code none}: the app has no such column. */
    boolean optional() {
      return this == CONVERSATIONS_TITLE || this == CONVERSATIONS_UPDATED_AT || this == MESSAGES_TABLE
          || this == MESSAGES_METADATA || this == MESSAGES_CREATED_AT;
    }
  }

  /** What an optional part is set to when the app has no such column. */
  public static final String NONE = "none";

  /** A name PostgreSQL keeps as given once quoted; no quotes, dots or control characters. */
  /**
   * A name as PostgreSQL keeps it once quoted (every statement and script quotes it): 1 to 63
   * characters, any but control characters, so upper case, spaces, {@code "} and {@code $} too.
   */
  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,63}");

  public static final LiveTables DEFAULT = new LiveTables(Map.of());

  /** The setting that lists the keys an app uses without declaring them. */
  public static final String UNDECLARED_KEYS_SETTING = "LIVE_UNDECLARED_KEYS";

  /**
   * A reference the app keeps without a foreign key: {@code child(columns)} holds the values of
   * {@code parent(referenced)}, and its rows belong to the parent's conversation. Written
   * {@code [schema.]child(col, ...) -> [schema.]parent(col, ...)}; a table without a schema is in
   * the conversation table's.
   */
  public record UndeclaredKey(Optional<String> childSchema, String childTable, List<String> columns,
      Optional<String> parentSchema, String parentTable, List<String> referenced) {

    private static final Pattern FORM = Pattern.compile(
        "\\s*(?:([^.()\\s]+)\\.)?([^.()\\s]+)\\s*\\(([^()]+)\\)\\s*->\\s*(?:([^.()\\s]+)\\.)?([^.()\\s]+)\\s*\\(([^()]+)\\)\\s*");

    public UndeclaredKey {
      columns = List.copyOf(columns);
      referenced = List.copyOf(referenced);
    }

    /** Parses one key as written in {@link #UNDECLARED_KEYS_SETTING}. */
    static UndeclaredKey parse(String text) {
      java.util.regex.Matcher m = FORM.matcher(text);
      if (!m.matches()) {
        throw new InvalidInputException(UNDECLARED_KEYS_SETTING, "each key is written child_table(column, ...) -> "
            + "parent_table(column, ...), a table optionally as schema.table, keys separated by ';'; got "
            + InvalidInputException.quote(text.strip()));
      }
      List<String> columns = names(m.group(3));
      List<String> referenced = names(m.group(6));
      if (columns.size() != referenced.size()) {
        throw new InvalidInputException(UNDECLARED_KEYS_SETTING, "a key names as many columns on each side; got "
            + InvalidInputException.quote(text.strip()));
      }
      return new UndeclaredKey(Optional.ofNullable(m.group(1)), m.group(2), columns, Optional.ofNullable(m.group(4)),
          m.group(5), referenced);
    }

    private static List<String> names(String list) {
      return java.util.Arrays.stream(list.split(",")).map(String::strip).toList();
    }

    @Override
    public String toString() {
      return childSchema.map(s -> s + ".").orElse("") + childTable + "(" + String.join(", ", columns) + ") -> "
          + parentSchema.map(s -> s + ".").orElse("") + parentTable + "(" + String.join(", ", referenced) + ")";
    }
  }

  /** Every key of {@link #UNDECLARED_KEYS_SETTING}'s value ({@code ;}-separated). */
  public static List<UndeclaredKey> parseUndeclaredKeys(String text) {
    return java.util.Arrays.stream(text.split(";")).filter(key -> !key.isBlank()).map(UndeclaredKey::parse).toList();
  }

  public LiveTables(Map<Part, String> names) {
    this(names, List.of(), AccountTable.DEFAULT);
  }

  public LiveTables(Map<Part, String> names, List<UndeclaredKey> undeclaredKeys) {
    this(names, undeclaredKeys, AccountTable.DEFAULT);
  }

  /** The setting that names the app's table of accounts. */
  public static final String ACCOUNT_TABLE_SETTING = "ACCOUNT_TABLE";

  /**
   * The table whose row goes when a user's account is removed ({@code auth.users(id)} on Supabase,
   * or the app's own), written {@code schema.table(id_column)}: the capture kit records a removed
   * user from it, whose captured rows and archive are then erased (ACCOUNT_DELETION).
   */
  public record AccountTable(String schema, String table, String column) {
    public static final AccountTable DEFAULT = new AccountTable("auth", "users", "id");
    private static final Pattern FORM = Pattern.compile("\\s*([^.()\\s]+)\\.([^.()\\s]+)\\s*\\(\\s*([^()\\s]+)\\s*\\)\\s*");

    public static AccountTable parse(String text) {
      java.util.regex.Matcher m = FORM.matcher(text);
      if (!m.matches()) {
        throw new InvalidInputException(ACCOUNT_TABLE_SETTING, "is written schema.table(id_column), such as "
            + "auth.users(id); got " + InvalidInputException.quote(text.strip()));
      }
      return new AccountTable(m.group(1), m.group(2), m.group(3));
    }

    @Override
    public String toString() {
      return schema + "." + table + "(" + column + ")";
    }
  }

  /** Parts missing from {@code names} take their default names. */
  public LiveTables {
    Map<Part, String> all = new EnumMap<>(Part.class);
    for (Part part : Part.values()) {
      String name = names.getOrDefault(part, part.defaultName());
      boolean none = part.optional() && name.equals(NONE);
      if (!part.optional() && name.equals(NONE)) {
        throw new InvalidInputException(part.setting(), "cannot be none: convo-archive needs " + part.meaning());
      }
      if (!none && !NAME.matcher(name).matches()) {
        throw new InvalidInputException(part.setting(), "must be a table or column name of 1 to 63 characters "
            + "without control characters" + (part.optional() ? ", or none" : "") + "; got "
            + InvalidInputException.quote(name));
      }
      all.put(part, name);
    }
    names = Map.copyOf(all);
    undeclaredKeys = undeclaredKeys == null ? List.of() : List.copyOf(undeclaredKeys);
    accountTable = accountTable == null ? AccountTable.DEFAULT : accountTable;
  }

  public LiveTables withUndeclaredKeys(List<UndeclaredKey> keys) {
    return new LiveTables(names, keys, accountTable);
  }

  public LiveTables withAccountTable(AccountTable account) {
    return new LiveTables(names, undeclaredKeys, account);
  }

  public LiveTables with(Part part, String name) {
    Map<Part, String> changed = new EnumMap<>(names);
    changed.put(part, name);
    return new LiveTables(changed, undeclaredKeys, accountTable);
  }

  /** The name as written; for an optional part set to none, empty. */
  public Optional<String> name(Part part) {
    String name = names.get(part);
    return part.optional() && name.equals(NONE) ? Optional.empty() : Optional.of(name);
  }

  /** The name quoted for SQL; only for parts that are not none. */
  public String sql(Part part) {
    return Sql.quote(name(part).orElseThrow());
  }

}
