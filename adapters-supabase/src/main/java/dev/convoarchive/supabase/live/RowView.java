package dev.convoarchive.supabase.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.supabase.live.ConversationTree.Table;
import dev.convoarchive.supabase.live.LiveTables.Part;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What people see of a conversation's rows: its title, times and messages, mapped leniently from
 * the columns the {@code LIVE_*} settings name. Any role text is kept; content may be text or JSON
 * parts; times may be timestamps of either kind or epoch seconds or milliseconds; a NULL time
 * falls back to the conversation's. The rows themselves, not this view, are what a restore writes.
 */
final class RowView {

  /** Above this an epoch number is in milliseconds (1e11 seconds is the year 5138). */
  private static final BigDecimal MILLIS_FROM = BigDecimal.valueOf(100_000_000_000L);
  private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone",
      "smallint", "integer", "bigint", "numeric", "double precision", "real", "text", "character varying");

  private final LiveTables names;
  private final Table root;
  private final Optional<Table> messages;
  private final ObjectMapper json;

  private RowView(LiveTables names, Table root, Optional<Table> messages, ObjectMapper json) {
    this.names = names;
    this.root = root;
    this.messages = messages;
    this.json = json;
  }

  /**
   * The view of {@code tree}'s rows through {@code names}; stops start-up with every named column
   * that is missing or cannot hold what it is named for.
   */
  static RowView of(ConversationTree tree, LiveTables names, ObjectMapper json) {
    List<String> problems = new ArrayList<>();
    Table root = tree.root();
    require(root, names, Part.CONVERSATIONS_ID, null, problems);
    require(root, names, Part.CONVERSATIONS_USER_ID, null, problems);
    require(root, names, Part.CONVERSATIONS_TITLE, null, problems);
    require(root, names, Part.CONVERSATIONS_CREATED_AT, TIME_TYPES, problems);
    require(root, names, Part.CONVERSATIONS_UPDATED_AT, TIME_TYPES, problems);
    Optional<Table> messages = Optional.empty();
    if (names.name(Part.MESSAGES_TABLE).isPresent()) {
      String table = names.name(Part.MESSAGES_TABLE).get();
      messages = tree.tables().stream().filter(t -> t.name().equals(table) && !t.equals(root))
          .min(Comparator.comparing(t -> t.schema().equals(root.schema()) ? 0 : 1));
      if (messages.isEmpty()) {
        problems.add("table " + table + " is not part of the conversation's tree (" + Part.MESSAGES_TABLE.setting() + ": "
            + Part.MESSAGES_TABLE.meaning() + "); give it a foreign key to " + root.label() + ", name the reference in "
            + LiveTables.UNDECLARED_KEYS_SETTING + ", or set " + Part.MESSAGES_TABLE.setting() + "=none");
      } else {
        Table m = messages.get();
        require(m, names, Part.MESSAGES_ID, null, problems);
        require(m, names, Part.MESSAGES_ROLE, null, problems);
        require(m, names, Part.MESSAGES_CONTENT, null, problems);
        require(m, names, Part.MESSAGES_METADATA, null, problems);
        require(m, names, Part.MESSAGES_CREATED_AT, TIME_TYPES, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the live database does not have the tables convo-archive was told to use:\n  "
          + String.join("\n  ", problems)
          + "\nset the LIVE_* settings to the app's own table and column names (see docs/operations.md, \"The app's own tables\"; describe-live shows "
          + "what the database has), or, for a new app, apply the schema.sql shipped with convo-archive (adapters-supabase)");
    }
    return new RowView(names, root, messages, json);
  }

  private static void require(Table table, LiveTables names, Part part, Set<String> types, List<String> problems) {
    Optional<String> name = names.name(part);
    if (name.isEmpty()) {
      return;
    }
    Optional<ConversationTree.Column> column = table.column(name.get());
    if (column.isEmpty()) {
      problems.add("column " + table.label() + "." + name.get() + " not found (" + part.setting() + ": " + part.meaning() + ")");
    } else if (types != null && !types.contains(column.get().type().replaceAll("\\(.*", ""))) {
      problems.add("column " + table.label() + "." + name.get() + " is " + column.get().type() + ", not a time ("
          + part.setting() + ": " + part.meaning() + ")");
    }
  }

  Optional<Table> messagesTable() {
    return messages;
  }

  /** The conversation as people see it, carrying {@code liveRows}, the record a restore writes back. */
  Conversation view(ConversationId id, UserId owner, Map<String, Object> rootRow, List<Map<String, Object>> messageRows,
      Map<String, Object> liveRows) {
    String title = names.name(Part.CONVERSATIONS_TITLE).map(rootRow::get).map(this::text).orElse("");
    Instant created = names.name(Part.CONVERSATIONS_CREATED_AT).map(rootRow::get).flatMap(RowView::instant)
        .orElse(Instant.EPOCH);
    Instant updated = names.name(Part.CONVERSATIONS_UPDATED_AT).map(rootRow::get).flatMap(RowView::instant).orElse(created);
    List<Message> mapped = new ArrayList<>();
    for (Map<String, Object> row : messageRows) {
      Instant at = names.name(Part.MESSAGES_CREATED_AT).map(row::get).flatMap(RowView::instant).orElse(created);
      Object role = names.name(Part.MESSAGES_ROLE).map(row::get).orElse(null);
      mapped.add(new Message(text(row.get(names.name(Part.MESSAGES_ID).orElseThrow())),
          new Role(role == null || text(role).isEmpty() ? "unknown" : text(role)),
          content(names.name(Part.MESSAGES_CONTENT).map(row::get).orElse(null)), at,
          names.name(Part.MESSAGES_METADATA).map(row::get).map(RowView::metadata).orElse(Map.of())));
    }
    mapped.sort(Comparator.comparing(Message::createdAt).thenComparing(Message::id));
    return new Conversation(id, owner, title, created, updated, mapped, Map.of(), liveRows);
  }

  /** A JSON value as text: a string as it is, anything else as its JSON. */
  String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON value could not be written", e);
    }
  }

  /**
   * Content as people read it: text as it is; JSON parts (ai-chatbot's {@code parts}, OpenAI-style
   * content arrays) as their text parts joined by a blank line, each other part named by its type.
   */
  String content(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof List<?> parts) {
      List<String> shown = new ArrayList<>();
      for (Object part : parts) {
        String text = part(part);
        if (!text.isEmpty()) {
          shown.add(text);
        }
      }
      return String.join("\n\n", shown);
    }
    if (value instanceof Map<?, ?> object) {
      if (object.get("parts") instanceof List<?> parts) {
        return content(parts);
      }
      if (object.get("content") != null) {
        return content(object.get("content"));
      }
      return part(object);
    }
    return text(value);
  }

  private String part(Object part) {
    if (part instanceof String s) {
      return s;
    }
    if (part instanceof Map<?, ?> object) {
      Object type = object.get("type");
      if (object.get("text") instanceof String text && (type == null || "text".equals(type))) {
        return text;
      }
      if (type instanceof String name) {
        return "[" + name + "]";
      }
      return object.get("text") instanceof String text ? text : text(object);
    }
    return text(part);
  }

  /** Metadata is a JSON object in the API; any other JSON value is shown as {"value": ...}. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Object value) {
    if (value == null) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> object) {
      return (Map<String, Object>) object;
    }
    java.util.Map<String, Object> wrapped = new java.util.LinkedHashMap<>();
    wrapped.put("value", value);
    return wrapped;
  }

  /** A time from to_jsonb: an ISO timestamp with or without offset (then UTC), or an epoch number. */
  static Optional<Instant> instant(Object value) {
    if (value instanceof String text) {
      return parse(text, t -> OffsetDateTime.parse(t).toInstant())
          .or(() -> parse(text, t -> LocalDateTime.parse(t).toInstant(ZoneOffset.UTC)))
          .or(() -> parse(text, t -> new BigDecimal(t)).flatMap(RowView::instant));
    }
    if (value instanceof Number number) {
      BigDecimal epoch = new BigDecimal(number.toString());
      BigDecimal millis = epoch.abs().compareTo(MILLIS_FROM) >= 0 ? epoch : epoch.movePointRight(3);
      try {
        return Optional.of(Instant.ofEpochMilli(millis.longValueExact()));
      } catch (ArithmeticException e) {
        BigDecimal micros = millis.movePointRight(3);
        return Optional.of(Instant.EPOCH.plus(micros.longValue(), java.time.temporal.ChronoUnit.MICROS));
      }
    }
    return Optional.empty();
  }

  private static <T> Optional<T> parse(String text, Function<String, T> parser) {
    try {
      return Optional.of(parser.apply(text));
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
