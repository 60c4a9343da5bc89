package dev.convoarchive.supabase;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of the chat app's live tables and of the columns this service reads, for apps whose
 * tables are not named as in schema.sql (Chatbot UI's are {@code chats} with {@code name}, and
 * {@code messages} with {@code chat_id}). Every other column of those rows is kept too (as a
 * conversation's or message's extra columns), so a restore puts back what the app stored.
 *
 * <p>Names are taken as written (case included) and always quoted in SQL; the start-up check
 * ({@link LiveSchema}) says which are missing.
 */
public record LiveTables(Map<Part, String> names) {

  /** What a name stands for; {@link #setting()} is the setting that changes it. */
  public enum Part {
    CONVERSATIONS_TABLE("conversations", "the table of conversations"),
    CONVERSATIONS_ID("id", "the conversations table's primary key (uuid or text)"),
    CONVERSATIONS_USER_ID("user_id", "the conversations table's owner column (the auth user's id)"),
    CONVERSATIONS_TITLE("title", "the conversations table's title column, or none"),
    CONVERSATIONS_CREATED_AT("created_at", "the conversations table's creation time column"),
    CONVERSATIONS_UPDATED_AT("updated_at", "the conversations table's last-change time column"),
    MESSAGES_TABLE("messages", "the table of messages"),
    MESSAGES_ID("id", "the messages table's primary key (uuid or text)"),
    MESSAGES_CONVERSATION_ID("conversation_id", "the messages table's reference to its conversation (on delete cascade)"),
    MESSAGES_ROLE("role", "the messages table's role column (user, assistant, system or tool)"),
    MESSAGES_CONTENT("content", "the messages table's text column"),
    MESSAGES_METADATA("metadata", "the messages table's json or jsonb metadata column, or none"),
    MESSAGES_CREATED_AT("created_at", "the messages table's creation time column (messages are ordered by it, then by id)"),
    /** Never restored: a restored conversation must not come back marked deleted. */
    CONVERSATIONS_DELETED_AT("deleted_at", "the conversations column a soft delete sets (soft-delete.sql); "
        + "the sweeper archives rows where it is set, and a restore never brings it back", "SWEEP_DELETED_COLUMN");

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
      return this == CONVERSATIONS_TITLE || this == MESSAGES_METADATA;
    }
  }

  /** What an optional part is set to when the app has no such column. */
  public static final String NONE = "none";

  /** A name PostgreSQL keeps as given once quoted; no quotes, dots or control characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public static final LiveTables DEFAULT = new LiveTables(Map.of());

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
        throw new InvalidInputException(part.setting(), "must be a table or column name (letters, digits, _ or $, "
            + "not starting with a digit, at most 63)" + (part.optional() ? " or none" : "") + "; got "
            + InvalidInputException.quote(name));
      }
      all.put(part, name);
    }
    names = Map.copyOf(all);
  }

  public LiveTables with(Part part, String name) {
    Map<Part, String> changed = new EnumMap<>(names);
    changed.put(part, name);
    return new LiveTables(changed);
  }

  /** The name as written; for an optional part set to none, empty. */
  public Optional<String> name(Part part) {
    String name = names.get(part);
    return part.optional() && name.equals(NONE) ? Optional.empty() : Optional.of(name);
  }

  /** The name quoted for SQL; only for parts that are not none. */
  String sql(Part part) {
    return quote(name(part).orElseThrow());
  }

  static String quote(String name) {
    return '"' + name + '"';
  }
}
