package dev.convoarchive.supabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Live conversations in the chat app's PostgreSQL. Every statement is parameterized and scoped by
 * {@code user_id}, so another user's conversation is simply not found.
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

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {};
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final IdColumns ids;
  /** Where restores are recorded (the service's schema), so cold tiering can wait after one; or none. */
  private final Optional<String> restoreLog;
  private final Clock clock;

  PostgresLiveConversations(DataSource dataSource, IdColumns ids, Optional<String> restoreLog, Clock clock) {
    this.dataSource = dataSource;
    this.ids = ids;
    this.restoreLog = restoreLog.map(schema -> schema + ".restored_conversations");
    this.clock = clock;
  }

  /** The live store on {@code schema}, whose id column types are read now. */
  static PostgresLiveConversations on(DataSource dataSource, String schema) {
    return new PostgresLiveConversations(dataSource, IdColumns.detect(dataSource, schema), Optional.empty(),
        Clock.systemUTC());
  }

  /** As {@link #on(DataSource, String)}, recording each restore in {@code serviceSchema} (migrated). */
  static PostgresLiveConversations on(DataSource dataSource, String schema, String serviceSchema, Clock clock) {
    return new PostgresLiveConversations(dataSource, IdColumns.detect(dataSource, schema), Optional.of(serviceSchema), clock);
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
          "delete from conversations where id = ? and user_id = ?")) {
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

  private static boolean isLive(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select 1 from conversations where id = ? and user_id = ?")) {
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

  private static void insert(Connection connection, Conversation conversation) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into conversations (id, user_id, title, created_at, updated_at) values (?, ?, ?, ?, ?)")) {
      insert.setObject(1, conversation.id().value(), Types.OTHER);
      insert.setObject(2, conversation.owner().toString(), Types.OTHER);
      insert.setString(3, conversation.title());
      insert.setObject(4, utc(conversation.createdAt()));
      insert.setObject(5, utc(conversation.updatedAt()));
      insert.executeUpdate();
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into messages (id, conversation_id, role, content, metadata, created_at) values (?, ?, ?, ?, ?, ?)")) {
      for (Message message : conversation.messages()) {
        insert.setObject(1, message.id(), Types.OTHER);
        insert.setObject(2, conversation.id().value(), Types.OTHER);
        insert.setString(3, message.role().wireName());
        insert.setString(4, message.content());
        insert.setObject(5, json(message.metadata()), Types.OTHER);
        insert.setObject(6, utc(message.createdAt()));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private <T> T inTransaction(String doing, Transactions.Work<T> work) {
    return Transactions.inTransaction(dataSource, doing, work);
  }

  private Optional<Conversation> read(Connection connection, UserId owner, ConversationId id, boolean lock)
      throws SQLException {
    String select = "select title, created_at, updated_at from conversations where id = ? and user_id = ?"
        + (lock ? " for update" : "");
    String title;
    Instant createdAt;
    Instant updatedAt;
    try (PreparedStatement statement = connection.prepareStatement(select)) {
      statement.setObject(1, id.value(), Types.OTHER);
      statement.setObject(2, owner.toString(), Types.OTHER);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        title = row.getString(1);
        createdAt = row.getObject(2, OffsetDateTime.class).toInstant();
        updatedAt = row.getObject(3, OffsetDateTime.class).toInstant();
      }
    }
    List<Message> messages = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "select id, role, content, metadata, created_at from messages where conversation_id = ? "
            + "order by created_at, id")) {
      statement.setObject(1, id.value(), Types.OTHER);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          messages.add(new Message(row.getString(1), Role.parse(row.getString(2)), row.getString(3),
              row.getObject(5, OffsetDateTime.class).toInstant(), metadata(row.getString(4))));
        }
      }
    }
    return Optional.of(new Conversation(id, owner, title, createdAt, updatedAt, messages));
  }

  private static String json(Map<String, Object> metadata) {
    try {
      return JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("message metadata could not be written as JSON", e);
    }
  }

  private static Map<String, Object> metadata(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, METADATA);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message's metadata column holds invalid JSON", e);
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
