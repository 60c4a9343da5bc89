package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.jdbc.Transactions;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
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
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The sweep queue: conversations the app deleted, as the capture kit's triggers copied them into
 * the service's schema ({@code captured_rows}, in the app's own delete transaction); rows the
 * retired soft-delete kit marked, while its column exists; and (cold tiering) conversations
 * inactive for long enough. A claim records a lease in the service's schema, so concurrent
 * claimers skip each other's, and later ones skip the leases. Live candidates are locked
 * {@code FOR NO KEY UPDATE SKIP LOCKED} while claimed (the app's inserts, holding only a key-share
 * lock through a foreign key, do not wait for it); the archive step takes its own locks.
 */
public final class PostgresSweepQueue implements SweepQueue {

  private static final System.Logger LOG = System.getLogger(PostgresSweepQueue.class.getName());

  private final DataSource dataSource;
  private final PostgresLiveConversations live;
  private final String conversations;
  private final String liveSchema;
  private final String table;
  private final String id;
  private final String userId;
  private final String claims;
  private final String restores;
  private final String captured;
  private final String deletedUsers;
  private final String deletedColumn;
  private final String deletedName;
  private final SweepSource source;
  private final Optional<Duration> inactiveAfter;
  /** What inactivity implies on raw time columns, each with one cutoff parameter (see {@link #dueCondition}). */
  private final List<String> olderThan;
  private final String instance = UUID.randomUUID().toString();
  private final AtomicLong unusable = new AtomicLong();
  /** Whether the soft-delete kit's column exists: read at start-up. */
  private boolean markedColumn;

  /** The queue of {@code tables}' conversations in {@code liveSchema}, as {@code source} says. */
  public PostgresSweepQueue(DataSource dataSource, PostgresLiveConversations live, String liveSchema, LiveTables tables,
      String serviceSchema, SweepSource source) {
    this.dataSource = dataSource;
    this.live = live;
    this.liveSchema = liveSchema;
    this.table = tables.name(LiveTables.Part.CONVERSATIONS_TABLE).orElseThrow();
    this.conversations = Sql.quote(liveSchema) + "." + Sql.quote(table);
    this.id = "c." + tables.sql(LiveTables.Part.CONVERSATIONS_ID);
    this.userId = "c." + tables.sql(LiveTables.Part.CONVERSATIONS_USER_ID);
    this.claims = Sql.quote(serviceSchema) + ".sweep_claims";
    this.restores = Sql.quote(serviceSchema) + ".restored_conversations";
    this.captured = Sql.quote(serviceSchema) + ".captured_rows";
    this.deletedUsers = Sql.quote(serviceSchema) + ".deleted_users";
    this.deletedColumn = "c." + Sql.quote(source.deletedColumn());
    this.deletedName = source.deletedColumn();
    this.source = source;
    this.inactiveAfter = source.inactiveAfter();
    this.olderThan = live.olderThan("c");
  }

  /**
   * Reads what the database has: stops start-up when the soft-delete kit's column exists but is
   * not a timestamp ("due" means not null, so a boolean flag that is false for live conversations
   * would send every conversation to the archive), and warns when nothing captures the app's
   * deletes (the capture kit's trigger is missing from the conversation table).
   */
  public void checkTables() {
    String column = liveSchema + "." + table + "." + deletedName;
    Transactions.onConnection(dataSource, "checking " + column, connection -> {
      try (PreparedStatement select = connection.prepareStatement("select data_type from information_schema.columns "
          + "where table_schema = ? and table_name = ? and column_name = ?")) {
        select.setString(1, liveSchema);
        select.setString(2, table);
        select.setString(3, deletedName);
        try (ResultSet row = select.executeQuery()) {
          markedColumn = row.next();
          if (markedColumn && !row.getString(1).startsWith("timestamp")) {
            throw new IllegalStateException("the sweeper's column " + column
                + " (SWEEP_DELETED_COLUMN) is " + row.getString(1) + "; it must be a timestamp that is null while the "
                + "conversation is live and set when it is deleted (a flag such as is_deleted = false would make "
                + "every conversation due)");
          }
        }
      }
      if (!PostgresLiveConversations.capturing(connection, conversations)) {
        LOG.log(System.Logger.Level.WARNING, "no capture trigger on " + liveSchema + "." + table + ": the app's deletes "
            + "are not archived; run `print-sql capture` (see docs/operations.md, \"Adopting it without changing the chat app\")");
      }
      return null;
    });
  }

  /** Whether the capture kit's trigger is on the conversation table. */
  public boolean captureInstalled() {
    return Transactions.onConnection(dataSource, "checking the capture kit",
        connection -> PostgresLiveConversations.capturing(connection, conversations));
  }

  /**
   * Live rows due: marked deleted (while the soft-delete kit's column exists), or (tiering) last
   * active, or restored, before the cutoff. Activity is the newest time of the tree (see
   * {@link PostgresLiveConversations#activity}); a NULL is never taken as old.
   */
  private String dueCondition() {
    List<String> due = new ArrayList<>();
    if (markedColumn) {
      due.add(deletedColumn + " is not null");
    }
    // The conditions the activity implies come first: an index can answer them (see describe-live).
    inactiveAfter.ifPresent(after -> due.add("(" + olderThan.stream().map(c -> c + " and ").collect(
        java.util.stream.Collectors.joining()) + "greatest(" + live.activity("c") + ", r.restored_at) < ?)"));
    return due.isEmpty() ? "false" : "(" + String.join(" or ", due) + ")";
  }

  /** Why a live row claimed is due: marked deleted, or else inactive. */
  private String reason() {
    return markedColumn ? "case when " + deletedColumn + " is not null then 'MARKED_DELETED' else 'INACTIVE' end"
        : "'INACTIVE'";
  }

  private String dueFrom() {
    return " from " + conversations + " c left join " + restores + " r on r.conversation_id = " + id + "::text ";
  }

  /** Binds the inactivity cutoff wherever {@link #dueCondition} asks for it. */
  private int bindCutoff(PreparedStatement statement, int index, Instant now) throws SQLException {
    if (inactiveAfter.isPresent()) {
      for (int i = 0; i <= olderThan.size(); i++) {
        statement.setObject(index++, utc(now.minus(inactiveAfter.get())));
      }
    }
    return index;
  }

  /** What a claim statement leases: conversation id, owner and reason, in the order of its statement. */
  private static final String LEASE = "insert into %s (conversation_id, user_id, claimed_by, claimed_until) "
      + "select id, coalesce(user_id, ''), ?, ? from due "
      + "on conflict (conversation_id) do update set user_id = excluded.user_id, claimed_by = excluded.claimed_by, "
      + "claimed_until = excluded.claimed_until where %s.claimed_until <= ? "
      + "returning conversation_id, nullif(user_id, ''), (select reason from due where due.id = conversation_id limit 1)";

  /**
   * Deleted conversations first (captured, then marked), then inactive ones. Captured child rows
   * whose conversation was not deleted within the window are dropped on the way.
   */
  @Override
  public List<DueConversation> claim(int limit, Instant now, Duration lease) {
    return Transactions.inTransaction(dataSource, "claiming conversations to sweep", connection -> {
      dropUnclaimedEdits(connection, now);
      List<DueConversation> claimed = new ArrayList<>();
      String capturedDue = "with due as (select distinct on (o.conversation_id) o.conversation_id as id, o.user_id, "
          + "'CAPTURED' as reason from " + captured + " o where o.is_root and o.table_schema = ? and o.table_name = ? "
          + "and o.captured_at < ? and o.conversation_id is not null and not exists (select 1 from " + claims
          + " s where s.conversation_id = o.conversation_id and s.claimed_until > ?)"
          + (source.eraseAccounts() ? " and not exists (select 1 from " + deletedUsers + " d where d.user_id = o.user_id)"
              : "") + " order by o.conversation_id, o.captured_at limit ?) " + String.format(LEASE, claims, claims);
      try (PreparedStatement statement = connection.prepareStatement(capturedDue)) {
        int i = 1;
        statement.setString(i++, liveSchema);
        statement.setString(i++, table);
        statement.setObject(i++, utc(now.minus(source.captureSettle())));
        statement.setObject(i++, utc(now));
        statement.setInt(i++, limit);
        bindLease(statement, i, now, lease);
        read(statement, claimed);
      }
      if (claimed.size() < limit && (markedColumn || inactiveAfter.isPresent())) {
        try (PreparedStatement statement = connection.prepareStatement(liveDueSql())) {
          bindLiveDue(statement, now, limit - claimed.size(), lease);
          read(statement, claimed);
        }
      }
      return claimed;
    });
  }

  /** The claim of live rows due (marked deleted, or inactive); its parameters as {@link #claim} binds them. */
  String liveDueSql() {
    return "with due as (select " + id + "::text as id, " + userId + "::text as user_id, " + reason()
        + " as reason" + dueFrom() + "where " + dueCondition() + " and not exists (select 1 from " + claims
        + " s where s.conversation_id = " + id + "::text and s.claimed_until > ?) "
        + (markedColumn ? "order by " + deletedColumn + " nulls last " : "") + "limit ? "
        + "for no key update of c skip locked) " + String.format(LEASE, claims, claims);
  }

  /** Binds {@link #liveDueSql}'s parameters from the first; what {@link #claim} and its plan test share. */
  void bindLiveDue(PreparedStatement statement, Instant now, int limit, Duration lease) throws SQLException {
    int i = bindCutoff(statement, 1, now);
    statement.setObject(i++, utc(now));
    statement.setInt(i++, limit);
    bindLease(statement, i, now, lease);
  }

  private void bindLease(PreparedStatement statement, int i, Instant now, Duration lease) throws SQLException {
    statement.setString(i++, instance);
    statement.setObject(i++, utc(now.plus(lease)));
    statement.setObject(i, utc(now));
  }

  /** The claimed rows the service can use; the others stay leased (not taken again at once) and are counted. */
  private void read(PreparedStatement statement, List<DueConversation> claimed) throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        try {
          claimed.add(new DueConversation(UserId.parse(rows.getString(2)), ConversationId.of(rows.getString(1)),
              DueConversation.Reason.valueOf(rows.getString(3))));
        } catch (InvalidInputException | NullPointerException e) {
          unusable.incrementAndGet();
          LOG.log(System.Logger.Level.ERROR, "the sweeper cannot archive conversation " + rows.getString(1) + " of user "
              + rows.getString(2) + " in " + table + ": " + e.getMessage() + "; it is skipped");
        }
      }
    }
  }

  /**
   * Captured rows of tables below the conversation's whose conversation was not deleted within the
   * window were edits or regenerations. While a deleted conversation waits for the sweeper, rows
   * captured up to a window before it are kept: they may be its own, deleted first by the app.
   */
  private void dropUnclaimedEdits(Connection connection, Instant now) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("delete from " + captured + " where not is_root "
        + "and captured_at < least(?, coalesce((select min(captured_at) from " + captured + " where is_root), ?)) - ?::interval")) {
      delete.setObject(1, utc(now));
      delete.setObject(2, utc(now));
      delete.setString(3, source.captureWindow().toMillis() + " milliseconds");
      delete.executeUpdate();
    }
  }

  @Override
  public boolean stillDue(DueConversation due, Conversation current, Instant now) {
    return switch (due.reason()) {
      case CAPTURED -> true; // the app deleted it: what was captured is what there is
      case MARKED_DELETED -> live.rootValue(current, deletedName).isPresent();
      case INACTIVE -> inactiveAfter.isPresent()
          && live.activity(current).map(at -> at.isBefore(now.minus(inactiveAfter.get()))).orElse(false);
    };
  }

  @Override
  public long unusable() {
    return unusable.get();
  }

  @Override
  public List<UserId> removedAccounts(Instant since) {
    return Transactions.inTransaction(dataSource, "reading removed accounts", connection -> {
      try (PreparedStatement forget = connection.prepareStatement("delete from " + deletedUsers + " where deleted_at < ?")) {
        forget.setObject(1, utc(since));
        forget.executeUpdate();
      }
      List<UserId> users = new ArrayList<>();
      if (!source.eraseAccounts()) {
        return users;
      }
      try (PreparedStatement select = connection.prepareStatement("select user_id from " + deletedUsers
          + " order by deleted_at limit 1000"); ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          try {
            users.add(UserId.parse(rows.getString(1)));
          } catch (InvalidInputException e) {
            LOG.log(System.Logger.Level.WARNING, "a removed account's id is not one the service can name: " + e.getMessage());
          }
        }
      }
      return users;
    });
  }

  @Override
  public int forgetCaptured(UserId owner) {
    return live.forgetCaptured(owner);
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
  public void releaseAll(List<DueConversation> done) {
    if (done.isEmpty()) {
      return;
    }
    Transactions.onConnection(dataSource, "releasing sweep claims", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "delete from " + claims + " where conversation_id = any (?) and claimed_by = ?")) {
        delete.setArray(1, connection.createArrayOf("text", done.stream().map(due -> due.id().value()).toArray()));
        delete.setString(2, instance);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Instant> oldestDue(Instant now) {
    // Due since: when captured or marked deleted, or when the inactivity period ran out.
    List<String> sinces = new ArrayList<>();
    if (markedColumn) {
      sinces.add(deletedColumn);
    }
    inactiveAfter.ifPresent(d -> sinces.add("greatest(" + live.activity("c") + ", r.restored_at) + ?::interval"));
    String since = sinces.isEmpty() ? "null::timestamptz" : "coalesce(" + String.join(", ", sinces) + ")";
    String sql = "select least((select min(" + since + ")" + dueFrom() + "where " + dueCondition() + "), (select min(captured_at) from "
        + captured + " where is_root))";
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
    String sql = "select (select count(*)" + dueFrom() + "where " + dueCondition() + ") + (select count(distinct "
        + "conversation_id) from " + captured + " where is_root)";
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
