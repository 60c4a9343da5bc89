package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Cursor;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.domain.spi.CatalogOfRecord;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-file catalog as a table in the service's own schema. Every change to one conversation
 * holds its row lock from before the object is written until the change commits:
 *
 * <ul>
 *   <li>record inserts the row first (uncommitted, so invisible and locking), writes the object,
 *       then fills in the row and commits. A racing record of the same id waits on the insert and
 *       then finds the committed row, so the object is written once and the row is committed only
 *       after its object is stored. A crash in between leaves an orphan object, no row.
 *   <li>remove deletes the row and commits (the conversation is erased from then on), then erases
 *       the object while holding the id absent (see {@link #whileAbsent}), so a record of the same
 *       id that starts meanwhile is never erased. A crash or a failed erase in between leaves an
 *       orphan object, which the maintenance pass removes; never a row without its object.
 * </ul>
 *
 * The store's conditional writes are never needed. Statements are plain (no server-side state
 * across transactions), so it works behind Supabase's transaction-mode pooler.
 */
public final class PostgresArchiveCatalog implements CatalogOfRecord {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresArchiveCatalog.class);
  private static final int BATCH = 500;

  private final DataSource dataSource;
  private final String table;
  private final SearchDocuments search;

  public PostgresArchiveCatalog(DataSource dataSource, String schema) {
    this(dataSource, schema, SearchDocuments.DEFAULT);
  }

  /** Keeping search documents as {@code search} says. */
  public PostgresArchiveCatalog(DataSource dataSource, String schema, SearchDocuments search) {
    this.dataSource = dataSource;
    this.table = Sql.quote(schema) + ".archive_catalog";
    this.search = search;
  }

  @Override
  public StoreResult record(UserId owner, ConversationId id, Supplier<StoreResult> write) {
    return record(owner, id, null, write);
  }

  /** Records the entry and, in the same transaction, its search document (none without {@code text}). */
  @Override
  public StoreResult record(UserId owner, ConversationId id, SearchText text, Supplier<StoreResult> write) {
    return Transactions.inTransaction(dataSource, "recording conversation " + id, connection -> {
      for (int round = 0; round < 2; round++) {
        if (claim(connection, owner, id)) {
          StoreResult written = write.get();
          update(connection, owner, written.entry(), text);
          return written;
        }
        Optional<ArchiveEntry> existing = find(connection, owner, id);
        if (existing.isPresent()) {
          return new StoreResult(existing.get(), false);
        }
        // The row that was in the way was removed before we could read it: claim again.
      }
      throw new IllegalStateException("conversation " + id + " was recorded and removed twice while recording it");
    });
  }

  /**
   * As {@link #record} for each, in one transaction: the rows of all are inserted with one
   * statement (uncommitted, so invisible and locking), the objects of those inserted are written
   * together, the rows of failed writes are taken out again, the others filled in, and all commit
   * at once. Conversations already recorded are answered with their entries, unwritten.
   */
  @Override
  public List<Stored> recordAll(List<Recording> recordings, Function<List<Supplier<StoreResult>>, List<Stored>> writeAll) {
    if (recordings.isEmpty()) {
      return List.of();
    }
    return Transactions.inTransaction(dataSource, "recording " + recordings.size() + " conversations", connection -> {
      Set<List<String>> inserted = claimAll(connection, recordings.stream().map(r -> key(r.owner(), r.id())).toList());
      Stored[] results = new Stored[recordings.size()];
      List<Integer> writing = new ArrayList<>();
      for (int i = 0; i < recordings.size(); i++) {
        Recording recording = recordings.get(i);
        if (inserted.remove(key(recording.owner(), recording.id()))) {
          writing.add(i);
        } else {
          // Recorded already (or named twice here): its entry, as record answers it.
          Optional<ArchiveEntry> existing = find(connection, recording.owner(), recording.id());
          results[i] = existing.isPresent() ? Stored.of(new StoreResult(existing.get(), false))
              : Stored.failed(new IllegalStateException("conversation " + recording.id() + " was removed while recording it"));
        }
      }
      List<Stored> written = writeAll.apply(writing.stream().map(i -> recordings.get(i).write()).toList());
      List<Recording> failed = new ArrayList<>();
      // Statements in a batch share their text: with documents for all, or (no text given) for none.
      boolean document = search.kept() && recordings.stream().allMatch(r -> r.text() != null);
      try (PreparedStatement update = connection.prepareStatement(updateSql(document))) {
        for (int w = 0; w < writing.size(); w++) {
          Recording recording = recordings.get(writing.get(w));
          Stored stored = written.get(w);
          results[writing.get(w)] = stored;
          if (stored.result().isPresent()) {
            bindUpdate(update, document, recording.owner(), stored.result().get().entry(), recording.text());
            update.addBatch();
          } else {
            failed.add(recording);
          }
        }
        if (failed.size() < writing.size()) {
          update.executeBatch();
        }
      }
      if (!failed.isEmpty()) {
        try (PreparedStatement delete = connection.prepareStatement("delete from " + table
            + " where (user_id, conversation_id) in (select * from unnest(?::text[], ?::text[]))")) {
          bindKeys(connection, delete, failed.stream().map(r -> key(r.owner(), r.id())).toList());
          delete.executeUpdate();
        }
      }
      return List.of(results);
    });
  }

  @Override
  public boolean remove(UserId owner, ConversationId id, BooleanSupplier erase) {
    boolean removed = deleteRow(owner, id);
    if (removed) {
      eraseWhileAbsent(owner, List.of(id), ids -> erase.getAsBoolean());
    }
    return removed;
  }

  /** Deletes the id's row and commits; returns whether there was one. */
  private boolean deleteRow(UserId owner, ConversationId id) {
    return Transactions.inTransaction(dataSource, "removing conversation " + id, connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "delete from " + table + " where user_id = ? and conversation_id = ?")) {
        delete.setString(1, owner.toString());
        delete.setString(2, id.value());
        return delete.executeUpdate() == 1;
      }
    });
  }

  /**
   * Takes the ids recorded now, then deletes them a batch at a time: each delete waits for a
   * racing call's lock on a row and skips the rows it removed, so each row is counted once. The
   * objects of a committed batch are then erased while their ids are held absent.
   */
  @Override
  public int removeAll(UserId owner, Consumer<List<ConversationId>> erase) {
    List<String> ids = Transactions.onConnection(dataSource, "listing the archive of " + owner, connection -> {
      List<String> all = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "select conversation_id from " + table + " where user_id = ? order by conversation_id")) {
        select.setString(1, owner.toString());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            all.add(rows.getString(1));
          }
        }
      }
      return all;
    });
    int removed = 0;
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
      List<ConversationId> deleted = Transactions.inTransaction(dataSource, "erasing the archive of " + owner, connection -> {
        List<ConversationId> rows = new ArrayList<>();
        try (PreparedStatement delete = connection.prepareStatement(
            "delete from " + table + " where user_id = ? and conversation_id = any (?) returning conversation_id")) {
          delete.setString(1, owner.toString());
          delete.setArray(2, connection.createArrayOf("text", batch.toArray()));
          try (ResultSet result = delete.executeQuery()) {
            while (result.next()) {
              rows.add(ConversationId.of(result.getString(1)));
            }
          }
        }
        return rows;
      });
      if (!deleted.isEmpty()) {
        eraseWhileAbsent(owner, deleted, erase);
      }
      removed += deleted.size();
    }
    return removed;
  }

  /**
   * Erases the objects of ids whose rows are gone, holding each id absent so that no record of it
   * can start or finish meanwhile; an id recorded again in between is skipped. An erase that fails
   * leaves orphans for the maintenance pass: the removal itself is final.
   */
  private void eraseWhileAbsent(UserId owner, List<ConversationId> ids, Consumer<List<ConversationId>> erase) {
    try {
      holdingAbsent(owner, ids, erase);
    } catch (RuntimeException e) {
      LOG.warn("erasing {} objects of user {} failed; they are left for remove-orphans: {}", ids.size(), owner, e.getMessage());
    }
  }

  @Override
  public Optional<ArchiveEntry> find(UserId owner, ConversationId id) {
    return Transactions.onConnection(dataSource, "looking up conversation " + id, connection -> find(connection, owner, id));
  }

  @Override
  public Page<ArchiveEntry> page(UserId owner, PageRequest request) {
    Cursor after = request.after();
    String sql = "select conversation_id, title, message_count, created_at, archived_at, size_bytes from " + table
        + " where user_id = ?"
        + (after == null ? "" : " and (archived_at < ? or (archived_at = ? and conversation_id > ?))")
        + " order by archived_at desc, conversation_id limit ?";
    return Transactions.onConnection(dataSource, "listing the archive of " + owner, connection -> {
      List<ArchiveEntry> items = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int p = 1;
        select.setString(p++, owner.toString());
        if (after != null) {
          select.setObject(p++, utc(after.archivedAt()));
          select.setObject(p++, utc(after.archivedAt()));
          select.setString(p++, after.id().value());
        }
        select.setInt(p, request.limit() + 1);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            items.add(entry(rows));
          }
        }
      }
      boolean more = items.size() > request.limit();
      List<ArchiveEntry> page = more ? items.subList(0, request.limit()) : items;
      return new Page<>(page, more ? page.get(page.size() - 1).position().encode() : null);
    });
  }

  /**
   * One statement drops the listed rows still at their listed archive time, and commits (they are
   * erased from then on); one more holds their ids absent while {@code erase} deletes the objects,
   * as {@link #remove} does for one. A failed erase leaves orphans for remove-orphans.
   */
  @Override
  public int removeListed(List<OwnedEntry> listed, Consumer<List<OwnedEntry>> erase) {
    if (listed.isEmpty()) {
      return 0;
    }
    Map<List<String>, OwnedEntry> byKey = new HashMap<>();
    listed.forEach(expired -> byKey.put(key(expired), expired));
    List<OwnedEntry> removed = Transactions.inTransaction(dataSource, "removing " + listed.size() + " expired conversations",
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement("delete from " + table + " where (user_id, conversation_id, "
              + "archived_at) in (select u, c, a::timestamptz from unnest(?::text[], ?::text[], ?::text[]) k(u, c, a))"
              + " returning user_id, conversation_id")) {
            bindKeys(connection, delete, listed.stream().map(PostgresArchiveCatalog::key).toList());
            delete.setArray(3, connection.createArrayOf("text", listed.stream().map(e -> e.entry().archivedAt().toString()).toArray()));
            List<OwnedEntry> gone = new ArrayList<>();
            try (ResultSet rows = delete.executeQuery()) {
              while (rows.next()) {
                gone.add(byKey.get(List.of(rows.getString(1), rows.getString(2))));
              }
            }
            return gone;
          }
        });
    if (removed.isEmpty()) {
      return 0;
    }
    try {
      Transactions.inTransaction(dataSource, "holding " + removed.size() + " erased conversations absent", connection -> {
        List<OwnedEntry> held = claimAll(connection, removed.stream().map(PostgresArchiveCatalog::key).toList()).stream()
            .map(byKey::get).toList();
        if (!held.isEmpty()) {
          erase.accept(held);
        }
        connection.rollback(); // the placeholder rows were only ever locks
        return null;
      });
    } catch (RuntimeException e) {
      LOG.warn("erasing {} expired objects failed; they are left for remove-orphans: {}", removed.size(), e.getMessage());
    }
    return removed.size();
  }

  /**
   * Inserts a placeholder row for each key (owner, id) that has none, in one statement: each
   * locks its id until this transaction ends, and waits for a racing transaction that holds it
   * (as {@link #claim} does for one). Returns the keys it inserted.
   */
  private Set<List<String>> claimAll(Connection connection, List<List<String>> keys) throws SQLException {
    Set<List<String>> inserted = new HashSet<>();
    try (PreparedStatement insert = connection.prepareStatement("insert into " + table
        + " (user_id, conversation_id, title, message_count, created_at, archived_at, size_bytes)"
        + " select u, c, '', 0, now(), now(), 0 from unnest(?::text[], ?::text[]) k(u, c)"
        + " on conflict (user_id, conversation_id) do nothing returning user_id, conversation_id")) {
      bindKeys(connection, insert, keys);
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          inserted.add(List.of(rows.getString(1), rows.getString(2)));
        }
      }
    }
    return inserted;
  }

  /** A row's key as the statements here bind and return it: the owner and the conversation id, as text. */
  private static List<String> key(UserId owner, ConversationId id) {
    return List.of(owner.toString(), id.value());
  }

  private static List<String> key(OwnedEntry entry) {
    return key(entry.owner(), entry.entry().id());
  }

  /** Binds the owners and the ids of {@code keys} as the statement's first two array parameters. */
  private static void bindKeys(Connection connection, PreparedStatement statement, List<List<String>> keys) throws SQLException {
    statement.setArray(1, connection.createArrayOf("text", keys.stream().map(k -> k.get(0)).toArray()));
    statement.setArray(2, connection.createArrayOf("text", keys.stream().map(k -> k.get(1)).toArray()));
  }

  /** One keyset query on {@code archive_catalog_archived} (migration V6): every owner's expired entries, oldest first. */
  @Override
  public Optional<List<OwnedEntry>> archivedBefore(Instant cutoff, OwnedEntry after, int limit) {
    String sql = "select conversation_id, title, message_count, created_at, archived_at, size_bytes, user_id from " + table
        + " where archived_at < ?"
        + (after == null ? "" : " and (archived_at, user_id, conversation_id) > (?, ?, ?)")
        + " order by archived_at, user_id, conversation_id limit ?";
    return Optional.of(Transactions.onConnection(dataSource, "finding entries archived before " + cutoff, connection -> {
      List<OwnedEntry> expired = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int p = 1;
        select.setObject(p++, utc(cutoff));
        if (after != null) {
          select.setObject(p++, utc(after.entry().archivedAt()));
          select.setString(p++, after.owner().toString());
          select.setString(p++, after.entry().id().value());
        }
        select.setInt(p, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            expired.add(new OwnedEntry(UserId.parse(rows.getString(7)), entry(rows)));
          }
        }
      }
      return expired;
    }));
  }

  /** A rebuild writing this many rows or more refreshes the planner's statistics at once. */
  static final int ANALYZE_AFTER_ROWS = 1000;

  @Override
  public int rebuild(UserId owner, List<ArchiveEntry> stored, Predicate<ConversationId> stillStored) {
    Set<String> found = new HashSet<>();
    stored.forEach(e -> found.add(e.id().value()));
    List<ConversationId> unlisted = new ArrayList<>();
    Transactions.inTransaction(dataSource, "rebuilding the catalog of " + owner, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement("insert into " + table
          + " (user_id, conversation_id, title, message_count, created_at, archived_at, size_bytes) values (?, ?, ?, ?, ?, ?, ?)"
          + " on conflict (user_id, conversation_id) do update set title = excluded.title,"
          + " message_count = excluded.message_count, created_at = excluded.created_at,"
          + " archived_at = excluded.archived_at, size_bytes = excluded.size_bytes")) {
        for (ArchiveEntry entry : stored) {
          bind(upsert, owner, entry);
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      try (PreparedStatement select = connection.prepareStatement(
          "select conversation_id from " + table + " where user_id = ?")) {
        select.setString(1, owner.toString());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (!found.contains(rows.getString(1))) {
              unlisted.add(ConversationId.of(rows.getString(1)));
            }
          }
        }
      }
      return null;
    });
    if (stored.size() >= ANALYZE_AFTER_ROWS) {
      // PostgreSQL's advice after a bulk load: until autovacuum gets to it, statistics that still
      // count this user's rows in tens let the planner sort all of them for each listing page.
      Transactions.onConnection(dataSource, "analyzing the catalog", connection -> {
        try (java.sql.Statement analyze = connection.createStatement()) {
          analyze.execute("analyze " + table);
        }
        return null;
      });
    }
    // Outside any transaction: the check asks the store, and a row recorded meanwhile is kept.
    for (ConversationId id : unlisted) {
      if (!stillStored.test(id)) {
        deleteRow(owner, id); // its object is gone already: nothing to erase
      }
    }
    return Transactions.onConnection(dataSource, "counting the catalog of " + owner, connection -> {
      try (PreparedStatement count = connection.prepareStatement("select count(*) from " + table + " where user_id = ?")) {
        count.setString(1, owner.toString());
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          return rows.getInt(1);
        }
      }
    });
  }

  @Override
  public boolean whileAbsent(UserId owner, ConversationId id, Runnable action) {
    return holdingAbsent(owner, List.of(id), held -> action.run());
  }

  /**
   * Claims each id with an uncommitted placeholder row (waiting for a transaction that holds it),
   * runs {@code action} with the ids no committed row names, if any, and rolls the claims back.
   * Returns whether the action ran.
   */
  private boolean holdingAbsent(UserId owner, List<ConversationId> ids, Consumer<List<ConversationId>> action) {
    return Transactions.inTransaction(dataSource, "holding conversations of " + owner, connection -> {
      Set<List<String>> claimed = claimAll(connection, ids.stream().map(id -> key(owner, id)).toList());
      List<ConversationId> held = ids.stream().distinct().filter(id -> claimed.contains(key(owner, id))).toList();
      if (!held.isEmpty()) {
        action.accept(held);
      }
      connection.rollback(); // the placeholder rows were only ever locks
      return !held.isEmpty();
    });
  }

  /**
   * Inserts a placeholder row for the id, which locks it until this transaction ends; waits for
   * a racing transaction that holds it. Returns false when a committed row already exists.
   */
  private boolean claim(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("insert into " + table
        + " (user_id, conversation_id, title, message_count, created_at, archived_at, size_bytes)"
        + " values (?, ?, '', 0, now(), now(), 0) on conflict (user_id, conversation_id) do nothing")) {
      insert.setString(1, owner.toString());
      insert.setString(2, id.value());
      return insert.executeUpdate() == 1;
    }
  }

  private void update(Connection connection, UserId owner, ArchiveEntry entry, SearchText text) throws SQLException {
    boolean document = text != null && search.kept();
    try (PreparedStatement update = connection.prepareStatement(updateSql(document))) {
      bindUpdate(update, document, owner, entry, text);
      update.executeUpdate();
    }
  }

  /** Fills in a recorded row, with its search document when {@code document}. */
  private String updateSql(boolean document) {
    return "update " + table + " set title = ?, message_count = ?, created_at = ?, archived_at = ?, size_bytes = ?"
        + (document ? ", " + SearchDocuments.ASSIGNMENTS : "") + " where user_id = ? and conversation_id = ?";
  }

  /** Binds {@link #updateSql}, with the document's parameters when {@code document}. */
  private void bindUpdate(PreparedStatement update, boolean document, UserId owner, ArchiveEntry entry, SearchText text)
      throws SQLException {
    update.setString(1, entry.title());
    update.setInt(2, entry.messageCount());
    update.setObject(3, utc(entry.createdAt()));
    update.setObject(4, utc(entry.archivedAt()));
    update.setLong(5, entry.sizeBytes());
    int next = document ? search.bind(update, 6, text) : 6;
    update.setString(next, owner.toString());
    update.setString(next + 1, entry.id().value());
  }

  private Optional<ArchiveEntry> find(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select conversation_id, title, message_count, created_at, archived_at, size_bytes from " + table
            + " where user_id = ? and conversation_id = ?")) {
      select.setString(1, owner.toString());
      select.setString(2, id.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
      }
    }
  }

  private static void bind(PreparedStatement statement, UserId owner, ArchiveEntry entry) throws SQLException {
    statement.setString(1, owner.toString());
    statement.setString(2, entry.id().value());
    statement.setString(3, entry.title());
    statement.setInt(4, entry.messageCount());
    statement.setObject(5, utc(entry.createdAt()));
    statement.setObject(6, utc(entry.archivedAt()));
    statement.setLong(7, entry.sizeBytes());
  }

  static ArchiveEntry entry(ResultSet row) throws SQLException {
    return new ArchiveEntry(ConversationId.of(row.getString(1)), row.getString(2), row.getInt(3),
        row.getObject(4, OffsetDateTime.class).toInstant(), row.getObject(5, OffsetDateTime.class).toInstant(), row.getLong(6));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
