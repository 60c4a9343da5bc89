package dev.convoarchive.supabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.supabase.LiveTables.Part;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Live conversations in the chat app's PostgreSQL, in tables named by {@link LiveTables} (plain
 * names, always quoted). Every value is a parameter and every statement is scoped by the owner
 * column, so another user's conversation is simply not found. Rows are read whole: the columns
 * this service does not interpret travel as extra columns and are written back by a restore.
 *
 * <p>A move-out holds the conversation row {@code FOR UPDATE} from the read until the delete
 * commits. Inserting a message takes a key-share lock on that row through the foreign key, so an
 * insert racing the move either committed before the read (and is in the copy handed over) or
 * waits, then fails on the foreign key once the row is gone: never silently dropped.
 *
 * <p>The conversation's lock is a transaction-scoped advisory lock on a hash of owner and id, taken
 * first in every transaction that needs it: it exists whether or not the row does, is shared by
 * every instance on this database, and goes with the transaction (a crashed instance's lock
 * included). A hash collision only makes two conversations wait for each other.
 */
final class PostgresLiveConversations implements LiveConversations {

  private static final System.Logger LOG = System.getLogger(PostgresLiveConversations.class.getName());
  /** Decimals as written, so a numeric column of the app's comes back exactly. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final LiveSchema live;
  private final IdColumns ids;
  /** Where restores are recorded (the service's schema), so cold tiering can wait after one; or none. */
  private final Optional<String> restoreLog;
  private final Clock clock;

  PostgresLiveConversations(DataSource dataSource, LiveSchema live, Optional<String> restoreLog, Clock clock) {
    this.dataSource = dataSource;
    this.live = live;
    this.ids = live.ids();
    this.restoreLog = restoreLog.map(schema -> schema + ".restored_conversations");
    this.clock = clock;
  }

  /** The live store on {@code schema}'s tables of the default names, whose columns are read now. */
  static PostgresLiveConversations on(DataSource dataSource, String schema) {
    return new PostgresLiveConversations(dataSource, LiveSchema.read(dataSource, schema, LiveTables.DEFAULT),
        Optional.empty(), Clock.systemUTC());
  }

  /** The live store on {@code tables}, recording each restore in {@code serviceSchema} (migrated). */
  static PostgresLiveConversations on(DataSource dataSource, String schema, LiveTables tables, String serviceSchema,
      Clock clock) {
    return new PostgresLiveConversations(dataSource, LiveSchema.read(dataSource, schema, tables),
        Optional.of(serviceSchema), clock);
  }

  @Override
  public ConversationId canonical(ConversationId id) {
    String canonical = IdColumns.canonical(ids.conversationId(), id.value());
    return canonical.equals(id.value()) ? id : ConversationId.of(canonical);
  }

  @Override
  public Optional<Conversation> find(UserId owner, ConversationId id) {
    if (!canExist(owner, id)) {
      return Optional.empty();
    }
    try (Connection connection = dataSource.getConnection()) {
      return read(connection, owner, id, false);
    } catch (SQLException e) {
      throw Transactions.failure("reading conversation " + id + " failed", e);
    }
  }

  @Override
  public <T> Optional<T> moveOut(UserId owner, ConversationId id, Function<Conversation, T> archiveStep) {
    if (!canExist(owner, id)) {
      return Optional.empty();
    }
    return inTransaction("moving conversation " + id + " out", connection -> {
      lock(connection, owner, id);
      Optional<Conversation> conversation = read(connection, owner, id, true);
      if (conversation.isEmpty()) {
        return Optional.<T>empty();
      }
      T result = archiveStep.apply(conversation.get());
      try (PreparedStatement delete = connection.prepareStatement(
          "delete from " + live.conversationsTable() + whereIdAndOwner())) {
        delete.setObject(1, id.value(), Types.OTHER);
        delete.setObject(2, owner.toString(), Types.OTHER);
        delete.executeUpdate(); // messages go with it: on delete cascade
      }
      return Optional.of(result);
    });
  }

  @Override
  public <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step) {
    if (!canExist(owner, id)) {
      return Optional.empty();
    }
    // Committing changes nothing here; it releases the row lock.
    return inTransaction("holding conversation " + id, connection -> {
      lock(connection, owner, id);
      return read(connection, owner, id, true).map(step);
    });
  }

  @Override
  public Optional<Restored> restoreUnlessLive(UserId owner, ConversationId id, Supplier<Optional<Conversation>> source) {
    if (!canExist(owner, id)) {
      // Nothing under this id can be live, so nothing can race; the insert refuses it with the reason.
      source.get().ifPresent(this::requireStorable);
      return Optional.empty();
    }
    return inTransaction("restoring conversation " + id, connection -> {
      lock(connection, owner, id);
      Optional<Conversation> current = read(connection, owner, id, false);
      if (current.isPresent()) {
        return Optional.of(new Restored(current.get(), false));
      }
      Optional<Conversation> restoring = source.get();
      if (restoring.isEmpty()) {
        return Optional.<Restored>empty();
      }
      requireStorable(restoring.get());
      try {
        insert(connection, restoring.get());
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(Transactions.sqlState(e))) {
          // Not this owner's (we looked under the lock), so another owner's.
          throw ConflictException.idTaken(owner, id);
        }
        throw e;
      }
      if (restoreLog.isPresent()) {
        try (PreparedStatement log = connection.prepareStatement("insert into " + restoreLog.get()
            + " (conversation_id, user_id, restored_at) values (?, ?, ?) "
            + "on conflict (conversation_id) do update set user_id = excluded.user_id, restored_at = excluded.restored_at")) {
          log.setString(1, id.value());
          log.setString(2, owner.toString());
          log.setObject(3, utc(clock.instant()));
          log.executeUpdate();
        }
      }
      return Optional.of(new Restored(restoring.get(), true));
    });
  }

  @Override
  public <T> Optional<T> unlessLive(UserId owner, ConversationId id, Supplier<T> step) {
    if (!canExist(owner, id)) {
      return Optional.of(step.get());
    }
    return inTransaction("holding conversation " + id, connection -> {
      lock(connection, owner, id);
      return isLive(connection, owner, id) ? Optional.<T>empty() : Optional.of(step.get());
    });
  }

  private boolean isLive(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select 1 from " + live.conversationsTable() + whereIdAndOwner())) {
      select.setObject(1, id.value(), Types.OTHER);
      select.setObject(2, owner.toString(), Types.OTHER);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  /**
   * Takes the conversation's lock until the transaction ends, and marks the transaction as
   * convo-archive's own, so that soft-delete.sql's trigger lets its deletes really delete.
   */
  private static void lock(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(
        "select pg_advisory_xact_lock(hashtextextended(?, 0)), set_config('convo_archive.really_delete', 'on', true)")) {
      lock.setString(1, owner + "/" + id.value());
      lock.execute();
    }
  }

  @Override
  public void restore(Conversation conversation) {
    requireStorable(conversation);
    inTransaction("restoring conversation " + conversation.id(), connection -> {
      try {
        insert(connection, conversation);
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(Transactions.sqlState(e))) {
          throw ConflictException.alreadyLive(conversation.owner(), conversation.id());
        }
        throw e;
      }
      return null;
    });
  }

  /**
   * Inserts the conversation and its messages, every column at once through
   * {@code jsonb_populate_record}: the mapped ones and the app's extra columns, each converted to
   * its column's type by PostgreSQL. Columns not in the document take their defaults.
   */
  private void insert(Connection connection, Conversation conversation) throws SQLException {
    // Mapped values first; extra columns after them, since a mapped column the app left NULL is
    // recorded there as NULL (see nullable). Id and owner are last: they are never an extra's.
    Map<String, Object> row = new LinkedHashMap<>();
    live.tables().name(Part.CONVERSATIONS_TITLE).ifPresent(title -> row.put(title, conversation.title()));
    row.put(name(Part.CONVERSATIONS_CREATED_AT), conversation.createdAt().toString());
    row.put(name(Part.CONVERSATIONS_UPDATED_AT), conversation.updatedAt().toString());
    row.putAll(writable(conversation.extraColumns(), live.conversationColumns(), conversation.id()));
    row.put(name(Part.CONVERSATIONS_ID), conversation.id().value());
    row.put(name(Part.CONVERSATIONS_USER_ID), conversation.owner().toString());
    String columns = quoted(row.keySet());
    try (PreparedStatement insert = connection.prepareStatement("insert into " + live.conversationsTable() + " (" + columns
        + ") select " + columns + " from jsonb_populate_record(null::" + live.conversationsTable() + ", ?::jsonb)")) {
      insert.setString(1, json(row));
      insert.executeUpdate();
    }
    if (conversation.messages().isEmpty()) {
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    for (Message message : conversation.messages()) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put(name(Part.MESSAGES_ROLE), message.role().wireName());
      values.put(name(Part.MESSAGES_CONTENT), message.content());
      live.tables().name(Part.MESSAGES_METADATA).ifPresent(metadata -> values.put(metadata, message.metadata()));
      values.put(name(Part.MESSAGES_CREATED_AT), message.createdAt().toString());
      values.putAll(writable(message.extraColumns(), live.messageColumns(), conversation.id()));
      values.put(name(Part.MESSAGES_ID), message.id());
      values.put(name(Part.MESSAGES_CONVERSATION_ID), conversation.id().value());
      keys.addAll(values.keySet());
      rows.add(values);
    }
    String messageColumns = quoted(keys);
    try (PreparedStatement insert = connection.prepareStatement("insert into " + live.messagesTable() + " ("
        + messageColumns + ") select " + messageColumns + " from jsonb_populate_recordset(null::" + live.messagesTable()
        + ", ?::jsonb)")) {
      insert.setString(1, json(rows));
      insert.executeUpdate();
    }
  }

  /**
   * The extra columns a restore can write. A generated column computes its own value again; a
   * column the app has dropped since cannot take one (its value stays in the archive).
   */
  private static Map<String, Object> writable(Map<String, Object> extra, Set<String> columns, ConversationId id) {
    Map<String, Object> row = new LinkedHashMap<>();
    extra.forEach((column, value) -> {
      if (columns.contains(column)) {
        row.put(column, value);
      } else {
        LOG.log(System.Logger.Level.DEBUG, "restoring {0}: column {1} is generated or no longer in the live table; "
            + "its archived value is not written", id, column);
      }
    });
    return row;
  }

  private String name(Part part) {
    return live.tables().name(part).orElseThrow();
  }

  private static String quoted(Set<String> columns) {
    StringJoiner joined = new StringJoiner(", ");
    columns.forEach(column -> joined.add(LiveTables.quote(column)));
    return joined.toString();
  }

  private String whereIdAndOwner() {
    return " where " + live.column(Part.CONVERSATIONS_ID) + " = ? and " + live.column(Part.CONVERSATIONS_USER_ID) + " = ?";
  }

  private <T> T inTransaction(String doing, Transactions.Work<T> work) {
    return Transactions.inTransaction(dataSource, doing, work);
  }

  /**
   * Reads the conversation and its messages: the mapped columns by name, and the whole row as JSON,
   * of which every column not mapped (nor the soft-delete mark) becomes an extra column.
   */
  private Optional<Conversation> read(Connection connection, UserId owner, ConversationId id, boolean lock)
      throws SQLException {
    String title = live.tables().name(Part.CONVERSATIONS_TITLE).map(LiveTables::quote).orElse("null");
    String select = "select " + title + ", " + live.column(Part.CONVERSATIONS_CREATED_AT) + ", "
        + live.column(Part.CONVERSATIONS_UPDATED_AT) + ", " + unmapped("c", CONVERSATION_PARTS) + " from " + live.conversationsTable() + " c"
        + whereIdAndOwner() + (lock ? " for update" : "");
    String titleValue;
    Instant createdAt;
    Instant updatedAt;
    Map<String, Object> extra;
    try (PreparedStatement statement = connection.prepareStatement(select)) {
      statement.setObject(1, id.value(), Types.OTHER);
      statement.setObject(2, owner.toString(), Types.OTHER);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        extra = extraColumns(row.getString(4), CONVERSATION_PARTS);
        titleValue = row.getString(1);
        if (titleValue == null) {
          live.tables().name(Part.CONVERSATIONS_TITLE).ifPresent(name -> extra.put(name, null));
        }
        Instant created = nullable(row, 2, Part.CONVERSATIONS_CREATED_AT, extra);
        Instant updated = nullable(row, 3, Part.CONVERSATIONS_UPDATED_AT, extra);
        createdAt = created != null ? created : updated != null ? updated : Instant.EPOCH;
        updatedAt = updated != null ? updated : createdAt;
      }
    }
    String metadata = live.tables().name(Part.MESSAGES_METADATA).map(LiveTables::quote).orElse("null");
    String created = live.column(Part.MESSAGES_CREATED_AT);
    String messageId = live.column(Part.MESSAGES_ID);
    List<Message> messages = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "select " + messageId + ", " + live.column(Part.MESSAGES_ROLE) + ", " + live.column(Part.MESSAGES_CONTENT) + ", "
            + metadata + ", " + created + ", " + unmapped("m", MESSAGE_PARTS) + " from " + live.messagesTable() + " m where "
            + live.column(Part.MESSAGES_CONVERSATION_ID) + " = ? order by " + created + ", " + messageId)) {
      statement.setObject(1, id.value(), Types.OTHER);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          Map<String, Object> messageExtra = extraColumns(row.getString(6), MESSAGE_PARTS);
          Instant messageCreated = nullable(row, 5, Part.MESSAGES_CREATED_AT, messageExtra);
          messages.add(new Message(row.getString(1), Role.parse(row.getString(2)), row.getString(3),
              messageCreated != null ? messageCreated : createdAt, metadata(row.getString(4)), messageExtra));
        }
      }
    }
    return Optional.of(new Conversation(id, owner, titleValue, createdAt, updatedAt, messages, extra));
  }

  private static final List<Part> CONVERSATION_PARTS = List.of(Part.CONVERSATIONS_ID, Part.CONVERSATIONS_USER_ID,
      Part.CONVERSATIONS_TITLE, Part.CONVERSATIONS_CREATED_AT, Part.CONVERSATIONS_UPDATED_AT,
      Part.CONVERSATIONS_DELETED_AT);
  private static final List<Part> MESSAGE_PARTS = List.of(Part.MESSAGES_ID, Part.MESSAGES_CONVERSATION_ID,
      Part.MESSAGES_ROLE, Part.MESSAGES_CONTENT, Part.MESSAGES_METADATA, Part.MESSAGES_CREATED_AT);

  /**
   * The row of {@code alias} as JSON without its mapped columns, which are selected on their own:
   * a message's content is not sent and parsed twice.
   */
  private String unmapped(String alias, List<Part> mapped) {
    String names = mapped.stream().map(part -> live.tables().name(part)).flatMap(Optional::stream)
        .map(name -> "'" + name.replace("'", "''") + "'").collect(java.util.stream.Collectors.joining(", "));
    return "to_jsonb(" + alias + ") - array[" + names + "]::text[]";
  }

  /** The row's columns other than {@code mapped} ones, as JSON values. */
  private Map<String, Object> extraColumns(String rowJson, List<Part> mapped) {
    Map<String, Object> row = parse(rowJson);
    for (Part part : mapped) {
      live.tables().name(part).ifPresent(row::remove);
    }
    return row;
  }

  /**
   * A mapped time column's value; when the app left it NULL, the model gets a stand-in from the
   * caller and the extra columns record the NULL, which a restore writes back instead.
   */
  private Instant nullable(ResultSet row, int column, Part part, Map<String, Object> extra) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    if (value == null) {
      extra.put(live.tables().name(part).orElseThrow(), null);
      return null;
    }
    return value.toInstant();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a row could not be written as JSON", e);
    }
  }

  private static Map<String, Object> metadata(String json) {
    return json == null ? Map.of() : parse(json);
  }

  private static Map<String, Object> parse(String json) {
    try {
      Map<String, Object> value = JSON.readValue(json, JSON_OBJECT);
      return value == null ? new LinkedHashMap<>() : new LinkedHashMap<>(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a row or metadata column holds a JSON value that is not an object", e);
    }
  }

  /** Values a uuid column cannot hold are not in it; asking would only raise an SQL error. */
  private boolean canExist(UserId owner, ConversationId id) {
    return IdColumns.fits(ids.conversationId(), id.value()) && IdColumns.fits(ids.userId(), owner.toString());
  }

  private void requireStorable(Conversation conversation) {
    if (!IdColumns.fits(ids.conversationId(), conversation.id().value())) {
      throw new InvalidInputException("conversationId",
          "this live database keeps conversation ids as uuid, and " + conversation.id() + " is not one");
    }
    for (Message message : conversation.messages()) {
      if (!IdColumns.fits(ids.messageId(), message.id())) {
        throw new InvalidInputException("message.id",
            "this live database keeps message ids as uuid, and " + InvalidInputException.quote(message.id()) + " is not one");
      }
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
