package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.jdbc.Transactions;
import dev.convoarchive.supabase.live.LiveTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The sweep queue over the chat app's own table. A claim locks candidate rows
 * {@code FOR NO KEY UPDATE SKIP LOCKED} (which the app's message inserts, holding only a key-share
 * lock through the foreign key, do not wait for) and records a lease in the service's schema, so
 * concurrent claimers skip each other's rows and later ones skip the leases; the lock is gone
 * when the claim commits, and the archive step takes its own.
 */
public final class PostgresSweepQueue implements SweepQueue {

  private final DataSource dataSource;
  private final String conversations;
  private final String liveSchema;
  private final String table;
  private final String id;
  private final String userId;
  private final String updatedAt;
  private final String claims;
  private final String restores;
  private final String deletedColumn;
  private final String deletedName;
  private final Optional<Duration> inactiveAfter;
  private final String instance = UUID.randomUUID().toString();

  /**
   * The queue of {@code tables}' conversations in {@code liveSchema}: those whose
   * {@code deletedColumn} is set, and (when given) those inactive for {@code inactiveAfter}.
   */
  public PostgresSweepQueue(DataSource dataSource, String liveSchema, LiveTables tables, String serviceSchema,
      String deletedColumn, Optional<Duration> inactiveAfter) {
    this.dataSource = dataSource;
    this.liveSchema = liveSchema;
    this.table = tables.name(LiveTables.Part.CONVERSATIONS_TABLE).orElseThrow();
    this.conversations = Sql.quote(liveSchema) + "." + Sql.quote(table);
    this.id = "c." + tables.sql(LiveTables.Part.CONVERSATIONS_ID);
    this.userId = "c." + tables.sql(LiveTables.Part.CONVERSATIONS_USER_ID);
    // Without an updated-at column, activity is the creation time (the tree's newest time: a later change).
    this.updatedAt = "c." + Sql.quote(tables.name(LiveTables.Part.CONVERSATIONS_UPDATED_AT)
        .orElseGet(() -> tables.name(LiveTables.Part.CONVERSATIONS_CREATED_AT).orElseThrow()));
    this.claims = serviceSchema + ".sweep_claims";
    this.restores = serviceSchema + ".restored_conversations";
    this.deletedColumn = "c." + Sql.quote(deletedColumn);
    this.deletedName = deletedColumn;
    this.inactiveAfter = inactiveAfter;
  }

  /**
   * Stops start-up when the deleted column is missing (naming the script that adds it) or is not a
   * timestamp: "due" means not null, so a boolean flag that is false for live conversations would
   * send every conversation to the archive.
   */
  public void requireDeletedColumn() {
    String column = liveSchema + "." + table + "." + deletedName;
    Transactions.onConnection(dataSource, "checking " + column, connection -> {
      try (PreparedStatement select = connection.prepareStatement("select data_type from information_schema.columns "
          + "where table_schema = ? and table_name = ? and column_name = ?")) {
        select.setString(1, liveSchema);
        select.setString(2, table);
        select.setString(3, deletedName);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            throw new IllegalStateException("the sweeper needs column " + column
                + " (SWEEP_DELETED_COLUMN); run soft-delete.sql (adapters-supabase) to add it, or name the column "
                + "your app sets when it deletes a conversation");
          }
          if (!row.getString(1).startsWith("timestamp")) {
            throw new IllegalStateException("the sweeper's column " + column
                + " (SWEEP_DELETED_COLUMN) is " + row.getString(1) + "; it must be a timestamp that is null while the "
                + "conversation is live and set when it is deleted (a flag such as is_deleted = false would make "
                + "every conversation due)");
          }
        }
      }
      return null;
    });
  }

  /** Due: marked deleted, or (tiering) last active, or restored, before the cutoff. */
  private String dueCondition() {
    return "(" + deletedColumn + " is not null"
        + (inactiveAfter.isPresent()
            ? " or greatest(" + updatedAt + ", coalesce(r.restored_at, '-infinity'::timestamptz)) < ?" : "")
        + ")";
  }

  private String dueFrom() {
    return " from " + conversations + " c left join " + restores + " r on r.conversation_id = " + id + "::text ";
  }

  private int bindCutoff(PreparedStatement statement, int index, Instant now) throws SQLException {
    if (inactiveAfter.isPresent()) {
      statement.setObject(index++, utc(now.minus(inactiveAfter.get())));
    }
    return index;
  }

  @Override
  public List<DueConversation> claim(int limit, Instant now, Duration lease) {
    String sql = "with due as (select " + id + "::text as id, " + userId + "::text as user_id" + dueFrom() + "where "
        + dueCondition() + " and not exists (select 1 from " + claims + " s where s.conversation_id = " + id
        + "::text and s.claimed_until > ?) order by coalesce(" + deletedColumn + ", " + updatedAt
        + ") limit ? for no key update of c skip locked) "
        + "insert into " + claims + " (conversation_id, user_id, claimed_by, claimed_until) "
        + "select id, user_id, ?, ? from due "
        + "on conflict (conversation_id) do update set user_id = excluded.user_id, claimed_by = excluded.claimed_by, "
        + "claimed_until = excluded.claimed_until where " + claims + ".claimed_until <= ? "
        + "returning conversation_id, user_id";
    return Transactions.inTransaction(dataSource, "claiming conversations to sweep", connection -> {
      List<DueConversation> claimed = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        int i = bindCutoff(statement, 1, now);
        statement.setObject(i++, utc(now));
        statement.setInt(i++, limit);
        statement.setString(i++, instance);
        statement.setObject(i++, utc(now.plus(lease)));
        statement.setObject(i, utc(now));
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            claimed.add(new DueConversation(UserId.parse(rows.getString(2)), ConversationId.of(rows.getString(1))));
          }
        }
      }
      return claimed;
    });
  }

  @Override
  public void release(DueConversation due) {
    Transactions.onConnection(dataSource, "releasing a sweep claim", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "delete from " + claims + " where conversation_id = ? and claimed_by = ?")) {
        delete.setString(1, due.id().value());
        delete.setString(2, instance);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Instant> oldestDue(Instant now) {
    // DueConversation since: when marked deleted, or when the inactivity period ran out.
    String since = "coalesce(" + deletedColumn
        + inactiveAfter.map(d -> ", greatest(" + updatedAt + ", coalesce(r.restored_at, '-infinity'::timestamptz)) + ?::interval")
            .orElse("") + ")";
    String sql = "select min(" + since + ")" + dueFrom() + "where " + dueCondition();
    return Transactions.onConnection(dataSource, "reading the sweep backlog", connection -> {
      forgetLapsedClaims(connection, now);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        int i = 1;
        if (inactiveAfter.isPresent()) {
          statement.setString(i++, inactiveAfter.get().toSeconds() + " seconds");
        }
        bindCutoff(statement, i, now);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          OffsetDateTime oldest = row.getObject(1, OffsetDateTime.class);
          return Optional.ofNullable(oldest).map(OffsetDateTime::toInstant);
        }
      }
    });
  }

  @Override
  public long countDue(Instant now) {
    String sql = "select count(*)" + dueFrom() + "where " + dueCondition();
    return Transactions.onConnection(dataSource, "counting conversations to sweep", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        bindCutoff(statement, 1, now);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      }
    });
  }

  /** Leases a crash left behind, of conversations long gone: nothing reads them any more. */
  private void forgetLapsedClaims(Connection connection, Instant now) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("delete from " + claims + " where claimed_until < ?")) {
      delete.setObject(1, utc(now.minus(Duration.ofDays(1))));
      delete.executeUpdate();
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
