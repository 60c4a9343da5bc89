package dev.convoarchive.supabase.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.jdbc.Transactions;
import dev.convoarchive.supabase.live.ConversationTree.Edge;
import dev.convoarchive.supabase.live.ConversationTree.Table;
import dev.convoarchive.supabase.live.LiveTables.Part;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * Live conversations in the chat app's PostgreSQL. A conversation is its row in the conversation
 * table and every row of every table of its {@link ConversationTree}; all of them are read as they
 * are ({@code to_jsonb}, every column) into the conversation's {@code liveRows}, which a restore
 * writes back root-first with every column as it was. What people see (title, messages) is a
 * {@link RowView} of those rows. Every value is a parameter, every name is quoted, and every
 * statement is scoped by the owner column, so another user's conversation is simply not found.
 *
 * <p>A move-out locks every row it reads {@code FOR UPDATE}, from the conversation's row down,
 * until its delete commits. Inserting a row that references one of them takes a key-share lock on
 * it, so an insert racing the move either committed before the read (and is in the copy handed
 * over) or waits, then fails on its foreign key once the row is gone: never silently dropped.
 * The tree is deleted leaf-first, then checked: a delete that an app's trigger or policy
 * suppressed rolls the move back instead of reporting an archive that left rows live.
 *
 * <p>The conversation's lock is a transaction-scoped advisory lock on a hash of owner and id, taken
 * first in every transaction that needs it: it exists whether or not the row does, is shared by
 * every instance on this database, and goes with the transaction (a crashed instance's lock
 * included). A hash collision only makes two conversations wait for each other.
 */
public final class PostgresLiveConversations implements LiveConversations {

  private static final System.Logger LOG = System.getLogger(PostgresLiveConversations.class.getName());
  /** Decimals as written, so a numeric column of the app's comes back exactly. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  /** The version of the {@code liveRows} shape written here. */
  private static final int ROWS_FORMAT = 1;

  private final DataSource dataSource;
  private final String schema;
  private final LiveTables names;
  private final ConversationTree tree;
  private final RowView view;
  private final IdColumns ids;
  /** Where restores are recorded (the service's schema), so cold tiering can wait after one; or none. */
  private final Optional<String> restoreLog;
  /** Where the capture kit's triggers copy the app's deletes (the service's schema); or none. */
  private final Optional<String> outbox;
  private final Clock clock;

  private PostgresLiveConversations(DataSource dataSource, String schema, LiveTables names, Optional<String> restoreLog,
      Clock clock) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.names = names;
    try (Connection connection = dataSource.getConnection()) {
      this.tree = ConversationTree.read(connection, schema, names);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the live database's tables: " + e.getMessage(), e);
    }
    this.view = RowView.of(tree, names, JSON);
    Table root = tree.root();
    this.ids = new IdColumns(IdType.of(root.column(name(Part.CONVERSATIONS_ID)).orElseThrow().type()),
        IdType.of(root.column(name(Part.CONVERSATIONS_USER_ID)).orElseThrow().type()));
    this.outbox = restoreLog.map(service -> Sql.quote(service) + ".captured_rows");
    this.restoreLog = restoreLog.map(service -> Sql.quote(service) + ".restored_conversations");
    this.clock = clock;
    tree.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, "live tables: " + warning));
  }

  /** The live store on {@code schema}'s tables of the default names, whose tree is read now. */
  public static PostgresLiveConversations on(DataSource dataSource, String schema) {
    return new PostgresLiveConversations(dataSource, schema, LiveTables.DEFAULT, Optional.empty(), Clock.systemUTC());
  }

  /** The live store on {@code names} in {@code schema}, whose tree is read now. */
  public static PostgresLiveConversations on(DataSource dataSource, String schema, LiveTables names) {
    return new PostgresLiveConversations(dataSource, schema, names, Optional.empty(), Clock.systemUTC());
  }

  /** The live store on {@code names}, recording each restore in {@code serviceSchema} (migrated). */
  public static PostgresLiveConversations on(DataSource dataSource, String schema, LiveTables names, String serviceSchema,
      Clock clock) {
    return new PostgresLiveConversations(dataSource, schema, names, Optional.of(serviceSchema), clock);
  }

  /** The tree this store archives and restores. */
  ConversationTree tree() {
    return tree;
  }

  /**
   * What a conversation is in {@code schema} under {@code names}: the tree of tables this store
   * archives and restores, with keys, row counts, column types and warnings (describe-live).
   * Throws with every problem when the named tables or columns are missing.
   */
  public static String describe(DataSource dataSource, String schema, LiveTables names) {
    try (Connection connection = dataSource.getConnection()) {
      ConversationTree tree = ConversationTree.read(connection, schema, names);
      RowView.of(tree, names, JSON);
      return tree.describe(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the live database's tables failed: " + e.getMessage(), e);
    }
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
      return read(connection, owner, id, false).map(Snapshot::conversation);
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
      Optional<Snapshot> read = read(connection, owner, id, true);
      if (read.isEmpty()) {
        return moveOutCaptured(connection, owner, id, archiveStep);
      }
      // Deleted before the step, so that rows set to NULL by the delete are recorded as they are
      // left; nothing is committed unless the step returns.
      Conversation conversation = deleteTree(connection, owner, id, read.get());
      return Optional.of(archiveStep.apply(conversation));
    });
  }

  /**
   * One transaction for the group, in which the app's rows are locked only for the delete: every
   * conversation's lock (in one order, so that two groups cannot deadlock; it keeps the service's
   * own requests out, not the app); the live trees read with one query per table, without row
   * locks, for the step to store; then the trees it archived read again, locked against the app,
   * and those that changed meanwhile (a message the app wrote) handed to the step once more, held;
   * then one delete per table, leaf-first, each checked gone. A tree with branches (a cycle of
   * keys) or references from outside that the delete sets to NULL moves one conversation at a
   * time, as {@link #moveOut} moves it.
   */
  @Override
  public List<ConversationRef> moveOutTogether(List<ConversationRef> refs,
      Function<List<Conversation>, Set<ConversationRef>> archiveStep) {
    if (tree.cyclic() || !tree.detachedEdges().isEmpty()) {
      return LiveConversations.super.moveOutTogether(refs, archiveStep);
    }
    List<ConversationRef> candidates = refs.stream().filter(ref -> canExist(ref.owner(), ref.id())).distinct().toList();
    List<ConversationRef> notHeld = new ArrayList<>(refs.stream().filter(ref -> !candidates.contains(ref)).toList());
    if (candidates.isEmpty()) {
      return notHeld;
    }
    return inTransaction("moving " + candidates.size() + " conversations out", connection -> {
      lockAll(connection, candidates);
      Map<ConversationRef, Map<Table, Map<String, Map<String, Object>>>> read = readTogether(connection, candidates, false);
      List<ConversationRef> missing = new ArrayList<>(notHeld);
      candidates.stream().filter(ref -> !read.containsKey(ref)).forEach(missing::add);
      if (read.isEmpty()) {
        return missing;
      }
      List<Conversation> handed = new ArrayList<>();
      read.forEach((ref, rows) -> handed.add(view(ref.id(), ref.owner(), rows, List.of())));
      Set<ConversationRef> archived = new HashSet<>(archiveStep.apply(handed));
      if (archived.isEmpty()) {
        return missing;
      }
      Map<ConversationRef, Map<Table, Map<String, Map<String, Object>>>> locked =
          readTogether(connection, List.copyOf(archived), true);
      // One the app deleted meanwhile is gone from the live rows and archived: nothing to delete.
      archived.retainAll(locked.keySet());
      List<Conversation> changed = new ArrayList<>();
      for (ConversationRef ref : archived) {
        // Row by row, whatever order the two reads returned them in.
        if (!locked.get(ref).equals(read.get(ref))) {
          changed.add(view(ref.id(), ref.owner(), locked.get(ref), List.of()));
        }
      }
      if (!changed.isEmpty()) {
        Set<ConversationRef> again = archiveStep.apply(changed);
        changed.stream().map(ConversationRef::of).filter(ref -> !again.contains(ref)).forEach(archived::remove);
      }
      if (archived.isEmpty()) {
        return missing;
      }
      Map<Table, Map<String, Map<String, Object>>> going = emptyTree();
      for (ConversationRef ref : archived) {
        locked.get(ref).forEach((table, byKey) -> going.get(table).putAll(byKey));
      }
      ConversationRef first = archived.iterator().next();
      deleteRows(connection, going, left -> ConflictException.keptLive(first.owner().value(), first.id().value(),
          "deleting " + archived.size() + " conversations together left " + left));
      return missing;
    });
  }

  /**
   * Takes the locks of several conversations as {@link #lock} takes one, in the order of their
   * lock keys, and bounds the wait for any row lock the app holds: a group that would wait longer
   * fails as a whole, and its conversations move alone.
   */
  private static void lockAll(Connection connection, List<ConversationRef> refs) throws SQLException {
    try (PreparedStatement settings = connection.prepareStatement("select " + OWN_TRANSACTION
        + ", set_config('lock_timeout', ?, true)")) {
      settings.setString(1, GROUP_LOCK_TIMEOUT);
      settings.execute();
    }
    try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(h) from (select distinct "
        + "hashtextextended(k, 0) as h from unnest(?::text[]) k order by h) ordered")) {
      lock.setArray(1, connection.createArrayOf("text", refs.stream().map(ref -> ref.owner() + "/" + ref.id().value()).toArray()));
      lock.execute();
    }
  }

  /** How long a group move waits for a row lock of the app's before it gives up (and its conversations move alone). */
  private static final String GROUP_LOCK_TIMEOUT = "5s";

  /**
   * The live trees of {@code refs} (locked against the app when {@code lock}), read with one query
   * per table: the conversations' rows, then each table's rows that reference rows already read. Each row is told to its
   * conversation by the row it references; a row two conversations would share fails the group.
   */
  private Map<ConversationRef, Map<Table, Map<String, Map<String, Object>>>> readTogether(Connection connection,
      List<ConversationRef> refs, boolean lock) throws SQLException {
    Table root = tree.root();
    Map<Table, Map<String, Map<String, Object>>> all = emptyTree();
    Map<Table, Map<String, ConversationRef>> owners = new HashMap<>();
    tree.tables().forEach(table -> owners.put(table, new HashMap<>()));
    try (PreparedStatement select = connection.prepareStatement("select k.n, to_jsonb(c)::text from unnest(?::text[], "
        + "?::text[]) with ordinality k(id, owner, n) join " + root.sql() + " c on c." + Sql.quote(name(Part.CONVERSATIONS_ID))
        + " = k.id::" + typeOf(root, Part.CONVERSATIONS_ID) + " and c." + Sql.quote(name(Part.CONVERSATIONS_USER_ID))
        + " = k.owner::" + typeOf(root, Part.CONVERSATIONS_USER_ID) + (lock ? " for update of c" : ""))) {
      select.setArray(1, connection.createArrayOf("text", refs.stream().map(ref -> ref.id().value()).toArray()));
      select.setArray(2, connection.createArrayOf("text", refs.stream().map(ref -> ref.owner().toString()).toArray()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Map<String, Object> row = parse(rows.getString(2));
          String key = key(root, row);
          all.get(root).put(key, row);
          owners.get(root).put(key, refs.get(rows.getInt(1) - 1));
        }
      }
    }
    if (all.get(root).isEmpty()) {
      return Map.of();
    }
    for (Table table : tree.tables().subList(1, tree.tables().size())) {
      readChildren(connection, table, all, lock);
      List<Map<List<Object>, ConversationRef>> byEdge = new ArrayList<>();
      for (Edge edge : tree.parentEdges(table)) {
        Map<List<Object>, ConversationRef> referenced = new HashMap<>();
        all.get(edge.parent()).forEach((key, parent) -> referenced.put(values(parent, edge.referenced()), owners.get(edge.parent()).get(key)));
        byEdge.add(referenced);
      }
      for (Map.Entry<String, Map<String, Object>> row : all.get(table).entrySet()) {
        Set<ConversationRef> found = new HashSet<>();
        for (int i = 0; i < byEdge.size(); i++) {
          Optional.ofNullable(byEdge.get(i).get(values(row.getValue(), tree.parentEdges(table).get(i).columns()))).ifPresent(found::add);
        }
        if (found.size() != 1) {
          throw new IllegalStateException("a row of " + table.label() + " belongs to " + found.size()
              + " of the conversations moved together");
        }
        owners.get(table).put(row.getKey(), found.iterator().next());
      }
    }
    Map<ConversationRef, Map<Table, Map<String, Map<String, Object>>>> trees = new LinkedHashMap<>();
    all.forEach((table, rows) -> rows.forEach((key, row) ->
        trees.computeIfAbsent(owners.get(table).get(key), ref -> emptyTree()).get(table).put(key, row)));
    return trees;
  }

  private static List<Object> values(Map<String, Object> row, List<String> columns) {
    List<Object> values = new ArrayList<>();
    columns.forEach(column -> values.add(row.get(column)));
    return values;
  }

  private String typeOf(Table table, Part part) {
    return table.column(name(part)).orElseThrow().type();
  }

  /** A table of rows for each table of the tree, in insert order, all empty. */
  private Map<Table, Map<String, Map<String, Object>>> emptyTree() {
    Map<Table, Map<String, Map<String, Object>>> rows = new LinkedHashMap<>();
    for (Table table : tree.tables()) {
      rows.put(table, new LinkedHashMap<>());
    }
    return rows;
  }

  @Override
  public <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step) {
    if (!canExist(owner, id)) {
      return Optional.empty();
    }
    // Committing changes nothing here; it releases the row locks.
    return inTransaction("holding conversation " + id, connection -> {
      lock(connection, owner, id);
      return read(connection, owner, id, true).map(Snapshot::conversation).map(step);
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
      Optional<Snapshot> current = read(connection, owner, id, false);
      if (current.isPresent()) {
        return Optional.of(new Restored(current.get().conversation(), false));
      }
      Optional<Conversation> restoring = source.get();
      if (restoring.isEmpty()) {
        return Optional.<Restored>empty();
      }
      requireStorable(restoring.get());
      insert(connection, restoring.get(), () -> ConflictException.idTaken(owner.value(), id.value()));
      if (restoreLog.isPresent()) {
        try (PreparedStatement log = connection.prepareStatement("insert into " + restoreLog.get()
            + " (conversation_id, user_id, restored_at) values (?, ?, ?) "
            + "on conflict (conversation_id) do update set user_id = excluded.user_id, restored_at = excluded.restored_at")) {
          log.setString(1, id.value());
          log.setString(2, owner.toString());
          log.setObject(3, clock.instant().atOffset(ZoneOffset.UTC));
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
      return rootRow(connection, owner, id, false).isPresent() ? Optional.<T>empty() : Optional.of(step.get());
    });
  }

  @Override
  public void restore(Conversation conversation) {
    requireStorable(conversation);
    inTransaction("restoring conversation " + conversation.id(), connection -> {
      insert(connection, conversation, () -> ConflictException.alreadyLive(conversation.owner().value(), conversation.id().value()));
      return null;
    });
  }

  /**
   * Takes the conversation's lock until the transaction ends, and marks the transaction as
   * convo-archive's own: the capture kit's triggers do not copy its deletes (they are archived
   * already), and the retired soft-delete kit's trigger lets them really delete.
   */
  private static final String OWN_TRANSACTION =
      "set_config('convo_archive.really_delete', 'on', true), set_config('convo_archive.capture', 'off', true)";

  private static void lock(Connection connection, UserId owner, ConversationId id) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0)), "
        + OWN_TRANSACTION)) {
      lock.setString(1, owner + "/" + id.value());
      lock.execute();
    }
  }

  // ---- Reading the tree ----

  /** The rows of one conversation: per table of the tree (insert order), rows by key; and the view of them. */
  private record Snapshot(Map<Table, Map<String, Map<String, Object>>> rows, Conversation conversation) {}

  private Optional<Map<String, Object>> rootRow(Connection connection, UserId owner, ConversationId id, boolean lock)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("select to_jsonb(c)::text from " + tree.root().sql()
        + " c where c." + Sql.quote(name(Part.CONVERSATIONS_ID)) + " = ? and c." + Sql.quote(name(Part.CONVERSATIONS_USER_ID))
        + " = ?" + (lock ? " for update of c" : ""))) {
      statement.setObject(1, id.value(), Types.OTHER);
      statement.setObject(2, owner.toString(), Types.OTHER);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? Optional.of(parse(row.getString(1))) : Optional.empty();
      }
    }
  }

  /**
   * Reads the conversation's row, then each table of the tree in insert order: the rows whose key
   * matches a row already read of a table it references. A tree with a cycle of keys is read
   * again until no table gains a row.
   */
  private Optional<Snapshot> read(Connection connection, UserId owner, ConversationId id, boolean lock) throws SQLException {
    Optional<Map<String, Object>> root = rootRow(connection, owner, id, lock);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    Map<Table, Map<String, Map<String, Object>>> rows = emptyTree();
    rows.get(tree.root()).put(key(tree.root(), root.get()), root.get());
    boolean grew = true;
    for (int pass = 0; grew && pass <= tree.tables().size(); pass++) {
      grew = false;
      // The conversation's own table too, when it references itself (branches deleted with their
      // conversation): those rows go with it, so they are archived with it.
      for (Table table : tree.tables()) {
        grew |= readChildren(connection, table, rows, lock);
      }
      if (!tree.cyclic()) {
        break;
      }
    }
    return Optional.of(new Snapshot(rows, view(id, owner, rows, List.of())));
  }

  /** Adds the rows of {@code table} that reference rows read so far; true when some were new. */
  private boolean readChildren(Connection connection, Table table, Map<Table, Map<String, Map<String, Object>>> rows,
      boolean lock) throws SQLException {
    List<String> conditions = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    for (Edge edge : tree.parentEdges(table)) {
      Map<String, Map<String, Object>> parents = rows.get(edge.parent());
      if (parents.isEmpty()) {
        continue;
      }
      conditions.add(matches("t", edge.columns(), edge.parent(), edge.referenced()));
      parameters.add(json(project(parents.values(), edge.referenced())));
    }
    if (conditions.isEmpty()) {
      return false;
    }
    boolean grew = false;
    try (PreparedStatement statement = connection.prepareStatement("select to_jsonb(t)::text from " + table.sql()
        + " t where " + String.join(" or ", conditions) + (lock ? " for update of t" : ""))) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setString(i + 1, parameters.get(i));
      }
      try (ResultSet result = statement.executeQuery()) {
        if (table.primaryKey().isEmpty()) {
          // Rows without a key are told apart by value, and twins are two rows: each query returns every row
          // reached so far (its parents only grow), so its result replaces the last one, twins counted.
          Map<String, Map<String, Object>> found = new LinkedHashMap<>();
          Map<String, Integer> twins = new java.util.HashMap<>();
          while (result.next()) {
            Map<String, Object> row = parse(result.getString(1));
            String value = key(table, row);
            found.put(value + "#" + twins.merge(value, 1, Integer::sum), row);
          }
          grew = found.size() > rows.get(table).size();
          if (grew) {
            rows.put(table, found);
          }
          return grew;
        }
        while (result.next()) {
          Map<String, Object> row = parse(result.getString(1));
          grew |= rows.get(table).putIfAbsent(key(table, row), row) == null;
        }
      }
    }
    return grew;
  }

  /** {@code (alias.columns) in (the referenced columns of the rows given as a JSON parameter)}. */
  private static String matches(String alias, List<String> columns, Table parent, List<String> referenced) {
    StringJoiner left = new StringJoiner(", ", "(", ")");
    columns.forEach(column -> left.add(alias + "." + Sql.quote(column)));
    StringJoiner right = new StringJoiner(", ");
    referenced.forEach(column -> right.add("p." + Sql.quote(column)));
    return left + " in (select " + right + " from jsonb_populate_recordset(null::" + parent.sql() + ", ?::jsonb) p)";
  }

  private static List<Map<String, Object>> project(Iterable<Map<String, Object>> rows, List<String> columns) {
    List<Map<String, Object>> projected = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> values = new LinkedHashMap<>();
      columns.forEach(column -> values.put(column, row.get(column)));
      projected.add(values);
    }
    return projected;
  }

  /** A row's identity within its table: its primary key's values, or the whole row when it has none. */
  private static String key(Table table, Map<String, Object> row) {
    if (table.primaryKey().isEmpty()) {
      return json(row);
    }
    List<Object> values = new ArrayList<>();
    table.primaryKey().forEach(column -> values.add(row.get(column)));
    return json(values);
  }

  /** The view of the rows, carrying them (and {@code detached}) as the conversation's live rows. */
  private Conversation view(ConversationId id, UserId owner, Map<Table, Map<String, Map<String, Object>>> rows,
      List<Map<String, Object>> detached) {
    List<Object> tables = new ArrayList<>();
    rows.forEach((table, byKey) -> {
      if (!byKey.isEmpty()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("schema", table.schema());
        entry.put("table", table.name());
        entry.put("rows", new ArrayList<>(byKey.values()));
        tables.add(entry);
      }
    });
    Map<String, Object> liveRows = new LinkedHashMap<>();
    liveRows.put("format", ROWS_FORMAT);
    liveRows.put("tables", tables);
    if (!detached.isEmpty()) {
      liveRows.put("detached", detached);
    }
    Map<String, Object> root = rows.get(tree.root()).values().iterator().next();
    List<Map<String, Object>> messages = view.messagesTable().map(t -> List.copyOf(rows.get(t).values())).orElse(List.of());
    return view.view(id, owner, root, messages, liveRows);
  }

  // ---- Conversations the app deleted, from the capture kit's outbox ----

  /**
   * A conversation the app deleted itself, rebuilt from the rows the capture kit copied in the
   * app's delete transaction: its newest captured row of the conversation table, then, table by
   * table of the tree, the captured rows whose keys match rows already taken. The step runs with
   * those rows held; they are removed only if it returns, in the same transaction, so a crash
   * leaves them to be archived again (a store of an archived conversation is a no-op).
   */
  private <T> Optional<T> moveOutCaptured(Connection connection, UserId owner, ConversationId id,
      Function<Conversation, T> archiveStep) throws SQLException {
    if (outbox.isEmpty()) {
      return Optional.empty();
    }
    Map<Table, Map<String, Map<String, Object>>> rows = emptyTree();
    List<Long> taken = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("select id, row::text from " + outbox.get()
        + " where is_root and conversation_id = ? and user_id = ? and table_schema = ? and table_name = ? "
        + "order by id desc for update")) {
      statement.setString(1, id.value());
      statement.setString(2, owner.toString());
      statement.setString(3, tree.root().schema());
      statement.setString(4, tree.root().name());
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return Optional.empty();
        }
        // The newest copy is the conversation; an older one (deleted, written again, deleted again) goes with it.
        Map<String, Object> root = parse(result.getString(2));
        rows.get(tree.root()).put(key(tree.root(), root), root);
        taken.add(result.getLong(1));
        while (result.next()) {
          taken.add(result.getLong(1));
        }
      }
    }
    for (Table table : tree.tables().subList(1, tree.tables().size())) {
      for (Edge edge : tree.parentEdges(table)) {
        Map<String, Map<String, Object>> parents = rows.get(edge.parent());
        if (parents.isEmpty()) {
          continue;
        }
        // Each parent's key as the child row holds it ({"chat_id": ...}), found by containment through the GIN index.
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Map<String, Object> parent : parents.values()) {
          Map<String, Object> key = new LinkedHashMap<>();
          for (int i = 0; i < edge.columns().size(); i++) {
            key.put(edge.columns().get(i), parent.get(edge.referenced().get(i)));
          }
          if (!key.containsValue(null)) { // a NULL key references nothing (and would match every NULL)
            keys.add(key);
          }
        }
        if (keys.isEmpty()) {
          continue;
        }
        try (PreparedStatement statement = connection.prepareStatement("select o.id, o.row::text from " + outbox.get()
            + " o join jsonb_array_elements(?::jsonb) p on o.row @> p.value where not o.is_root and o.table_schema = ? "
            + "and o.table_name = ? order by o.id for update of o")) {
          statement.setString(1, json(keys));
          statement.setString(2, table.schema());
          statement.setString(3, table.name());
          try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
              if (taken.contains(result.getLong(1))) {
                continue;
              }
              Map<String, Object> row = parse(result.getString(2));
              String key = key(table, row);
              if (table.primaryKey().isEmpty() || !rows.get(table).containsKey(key)) {
                rows.get(table).put(table.primaryKey().isEmpty() ? key + "#" + result.getLong(1) : key, row);
              }
              taken.add(result.getLong(1));
            }
          }
        }
      }
    }
    T result = archiveStep.apply(view(id, owner, rows, List.of()));
    try (PreparedStatement delete = connection.prepareStatement("delete from " + outbox.get() + " where id = any (?)")) {
      delete.setArray(1, connection.createArrayOf("bigint", taken.toArray()));
      delete.executeUpdate();
    }
    return Optional.of(result);
  }

  /** Whether the capture kit's trigger is on {@code table} (quoted, qualified); false for no such table. */
  public static boolean capturing(Connection connection, String table) throws SQLException {
    try (PreparedStatement check = connection.prepareStatement("select exists (select 1 from pg_trigger "
        + "where tgrelid = to_regclass(?) and tgname = 'convo_archive_capture')")) {
      check.setString(1, table);
      try (ResultSet row = check.executeQuery()) {
        row.next();
        return row.getBoolean(1);
      }
    }
  }

  /**
   * Erases the captured, not yet archived, conversations of a removed user (each under its lock,
   * its rows found as an archive would find them); returns how many.
   */
  public int forgetCaptured(UserId owner) {
    if (outbox.isEmpty()) {
      return 0;
    }
    List<String> ids = Transactions.onConnection(dataSource, "reading a removed user's captured conversations",
        connection -> {
          List<String> found = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement("select distinct conversation_id from "
              + outbox.get() + " where is_root and user_id = ? and table_schema = ? and table_name = ?")) {
            select.setString(1, owner.toString());
            select.setString(2, tree.root().schema());
            select.setString(3, tree.root().name());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(rows.getString(1));
              }
            }
          }
          return found;
        });
    int erased = 0;
    for (String captured : ids) {
      ConversationId id;
      try {
        id = ConversationId.of(captured);
      } catch (InvalidInputException e) {
        continue; // not one the service can name: dropped with the window's edits
      }
      boolean gone = inTransaction("erasing captured conversation " + id, connection -> {
        lock(connection, owner, id);
        return moveOutCaptured(connection, owner, id, conversation -> true).isPresent();
      });
      erased += gone ? 1 : 0;
    }
    return erased;
  }

  // ---- Activity, for cold tiering ----

  /**
   * SQL for the newest time of the conversation row aliased {@code alias}: its creation and update
   * times and its newest message's, each as a timestamptz (epoch numbers read as seconds or
   * milliseconds). NULLs do not count; all NULL is NULL, never "old".
   */
  public String activity(String alias) {
    List<String> times = new ArrayList<>();
    names.name(Part.CONVERSATIONS_CREATED_AT).ifPresent(c -> times.add(timeSql(tree.root(), alias, c)));
    names.name(Part.CONVERSATIONS_UPDATED_AT).ifPresent(c -> times.add(timeSql(tree.root(), alias, c)));
    messagesOf(alias).ifPresent(m -> times.add("(select max(" + timeSql(m.table(), "m", m.created()) + ") from "
        + m.table().sql() + " m where " + m.match() + ")"));
    return times.isEmpty() ? "null::timestamptz" : "greatest(" + String.join(", ", times) + ")";
  }

  /**
   * Conditions on raw columns that {@code activity(alias) < ?} implies, each with one {@code ?}
   * for the same cutoff (a timestamptz). The activity expression as a whole makes PostgreSQL read
   * every conversation; these let it start from an index on the conversation table's time column
   * and probe the messages' (reference, time) index. A column of epoch numbers gets none: its unit
   * is read row by row.
   */
  public List<String> olderThan(String alias) {
    List<String> conditions = new ArrayList<>();
    for (Part part : List.of(Part.CONVERSATIONS_CREATED_AT, Part.CONVERSATIONS_UPDATED_AT)) {
      names.name(part).ifPresent(column -> rawBefore(tree.root(), alias, column).ifPresent(before ->
          conditions.add("(" + before + " or " + alias + "." + Sql.quote(column) + " is null)")));
    }
    messagesOf(alias).ifPresent(m -> rawBefore(m.table(), "m", m.created()).ifPresent(before ->
        conditions.add("not exists (select 1 from " + m.table().sql() + " m where " + m.match() + " and not (" + before
            + "))")));
    return conditions;
  }

  /** The messages table with its time column, and how a message aliased m joins the conversation aliased {@code alias}. */
  private record MessagesJoin(Table table, String created, String match) {}

  /** Empty without a messages table, its time column, or a key of it to the conversation table. */
  private Optional<MessagesJoin> messagesOf(String alias) {
    Optional<Table> messages = view.messagesTable();
    Optional<String> created = names.name(Part.MESSAGES_CREATED_AT);
    if (messages.isEmpty() || created.isEmpty()) {
      return Optional.empty();
    }
    return tree.parentEdges(messages.get()).stream().filter(edge -> edge.parent().equals(tree.root())).findFirst()
        .map(edge -> {
          StringJoiner match = new StringJoiner(" and ");
          for (int i = 0; i < edge.columns().size(); i++) {
            match.add("m." + Sql.quote(edge.columns().get(i)) + " = " + alias + "." + Sql.quote(edge.referenced().get(i)));
          }
          return new MessagesJoin(messages.get(), created.get(), match.toString());
        });
  }

  /** {@code alias.column < ?} on the raw column, where its type allows it. */
  private static Optional<String> rawBefore(Table table, String alias, String column) {
    String value = alias + "." + Sql.quote(column);
    String type = table.column(column).map(ConversationTree.Column::type).orElse("");
    if (type.startsWith("timestamp with")) {
      return Optional.of(value + " < ?");
    }
    if (type.startsWith("timestamp")) {
      return Optional.of(value + " < (?::timestamptz at time zone 'UTC')");
    }
    return Optional.empty();
  }

  private static String timeSql(Table table, String alias, String column) {
    String value = alias + "." + Sql.quote(column);
    String type = table.column(column).map(ConversationTree.Column::type).orElse("");
    if (type.startsWith("timestamp with")) {
      return value;
    }
    if (type.startsWith("timestamp")) {
      return "(" + value + " at time zone 'UTC')";
    }
    // Epoch seconds or milliseconds (1e11 seconds is the year 5138).
    return "(case when abs(" + value + "::numeric) >= 100000000000 then to_timestamp(" + value + "::numeric / 1000) "
        + "else to_timestamp(" + value + "::numeric) end)";
  }

  /** The newest time of a conversation's rows, as {@link #activity(String)} reads it; empty when all are NULL. */
  public Optional<java.time.Instant> activity(Conversation conversation) {
    List<Object> values = new ArrayList<>();
    Optional<Map<String, Object>> root = rootRow(conversation);
    names.name(Part.CONVERSATIONS_CREATED_AT).ifPresent(c -> root.map(r -> r.get(c)).ifPresent(values::add));
    names.name(Part.CONVERSATIONS_UPDATED_AT).ifPresent(c -> root.map(r -> r.get(c)).ifPresent(values::add));
    view.messagesTable().ifPresent(messages -> names.name(Part.MESSAGES_CREATED_AT).ifPresent(created ->
        rowsOf(conversation, messages).forEach(row -> values.add(row.get(created)))));
    return values.stream().map(RowView::instant).flatMap(Optional::stream).max(java.time.Instant::compareTo);
  }

  /** A column of the conversation's own row, when it is not NULL. */
  public Optional<Object> rootValue(Conversation conversation, String column) {
    return rootRow(conversation).map(row -> row.get(column));
  }

  private Optional<Map<String, Object>> rootRow(Conversation conversation) {
    return rowsOf(conversation, tree.root()).stream().findFirst();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rowsOf(Conversation conversation, Table table) {
    for (Object entry : (List<Object>) conversation.liveRows().getOrDefault("tables", List.of())) {
      Map<String, Object> tableEntry = (Map<String, Object>) entry;
      if (table.schema().equals(tableEntry.get("schema")) && table.name().equals(tableEntry.get("table"))) {
        return (List<Map<String, Object>>) tableEntry.get("rows");
      }
    }
    return List.of();
  }

  // ---- Deleting the tree ----

  /**
   * Records the references from outside the tree that the delete will set to NULL or their
   * default, deletes the tree leaf-first, and checks that every row read is gone. Returns the
   * conversation carrying its rows and those references as they were.
   */
  private Conversation deleteTree(Connection connection, UserId owner, ConversationId id, Snapshot snapshot)
      throws SQLException {
    List<Detached> detached = detachedReferences(connection, snapshot.rows());
    deleteRows(connection, snapshot.rows(), left -> ConflictException.keptLive(owner.value(), id.value(), "deleting it left " + left));
    List<Map<String, Object>> records = new ArrayList<>();
    for (Detached reference : detached) {
      after(connection, reference).ifPresent(records::add);
    }
    return view(id, owner, snapshot.rows(), records);
  }

  /**
   * Deletes {@code rows} with one statement per table, leaf-first, and checks that every one is
   * gone: fewer deleted than given is a cascade that got there first (fine) or a trigger or policy
   * of the app that kept them, which is {@code kept} told what was left, thrown.
   */
  private static void deleteRows(Connection connection, Map<Table, Map<String, Map<String, Object>>> rows,
      Function<String, ConflictException> kept) throws SQLException {
    List<Table> leafFirst = new ArrayList<>(rows.keySet());
    java.util.Collections.reverse(leafFirst);
    for (Table table : leafFirst) {
      Map<String, Map<String, Object>> going = rows.get(table);
      if (going.isEmpty()) {
        continue;
      }
      int deleted;
      try (PreparedStatement delete = connection.prepareStatement("delete from " + table.sql() + " t where "
          + identifies("t", table))) {
        delete.setString(1, json(identities(table, going.values())));
        deleted = delete.executeUpdate();
      }
      if (deleted < going.size()) {
        long left = count(connection, table, going.values());
        if (left > 0) {
          throw kept.apply(left + " of its rows in " + table.label()
              + " (a trigger or row-level security policy of the app kept them), so the move was rolled back");
        }
      }
    }
  }

  /** {@code (alias.primary key) in (the keys given as a JSON parameter)}, or the whole row when there is no key. */
  private static String identifies(String alias, Table table) {
    if (table.primaryKey().isEmpty()) {
      return "to_jsonb(" + alias + ") in (select jsonb_array_elements(?::jsonb))";
    }
    return matches(alias, table.primaryKey(), table, table.primaryKey());
  }

  private static List<Map<String, Object>> identities(Table table, Iterable<Map<String, Object>> rows) {
    if (table.primaryKey().isEmpty()) {
      List<Map<String, Object>> whole = new ArrayList<>();
      rows.forEach(whole::add);
      return whole;
    }
    return project(rows, table.primaryKey());
  }

  private static long count(Connection connection, Table table, Iterable<Map<String, Object>> rows) throws SQLException {
    try (PreparedStatement count = connection.prepareStatement("select count(*) from " + table.sql() + " t where "
        + identifies("t", table))) {
      count.setString(1, json(identities(table, rows)));
      try (ResultSet result = count.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  /** A row outside the tree whose reference into it the delete changes, keyed by its primary key. */
  private record Detached(Edge edge, Map<String, Object> before) {}

  private List<Detached> detachedReferences(Connection connection, Map<Table, Map<String, Map<String, Object>>> rows)
      throws SQLException {
    List<Detached> found = new ArrayList<>();
    for (Edge edge : tree.detachedEdges()) {
      Map<String, Map<String, Object>> targets = rows.getOrDefault(edge.parent(), Map.of());
      if (targets.isEmpty() || edge.child().primaryKey().isEmpty()) {
        continue;
      }
      Map<String, Map<String, Object>> own = rows.getOrDefault(edge.child(), Map.of());
      try (PreparedStatement statement = connection.prepareStatement("select to_jsonb(r)::text from " + edge.child().sql()
          + " r where " + matches("r", edge.columns(), edge.parent(), edge.referenced()) + " for update of r")) {
        statement.setString(1, json(project(targets.values(), edge.referenced())));
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            Map<String, Object> row = parse(result.getString(1));
            if (!own.containsKey(key(edge.child(), row))) {
              found.add(new Detached(edge, row));
            }
          }
        }
      }
    }
    return found;
  }

  /** The record of a detached reference: its row as the delete left it, and the values to put back. */
  private Optional<Map<String, Object>> after(Connection connection, Detached reference) throws SQLException {
    Table table = reference.edge().child();
    try (PreparedStatement statement = connection.prepareStatement("select to_jsonb(t)::text from " + table.sql()
        + " t where " + identifies("t", table))) {
      statement.setString(1, json(identities(table, List.of(reference.before()))));
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return Optional.empty(); // removed by the delete itself (a cascade further down): nothing to point back
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("schema", table.schema());
        record.put("table", table.name());
        record.put("key", project(List.of(reference.before()), table.primaryKey()).get(0));
        record.put("set", project(List.of(reference.before()), reference.edge().columns()).get(0));
        record.put("after", parse(result.getString(1)));
        return Optional.of(record);
      }
    }
  }

  // ---- Restoring ----

  /**
   * Writes a conversation back: its live rows root-first with every column as it was (identity
   * columns too; generated ones compute again), its sequences moved past the restored ids, and the
   * references from outside put back where their rows are unchanged. A conversation archived
   * before rows were kept is written through the mapping. A row the archive references outside the
   * tree that is gone refuses the restore with what is missing; nothing is written then.
   */
  private void insert(Connection connection, Conversation conversation, Supplier<ConflictException> taken)
      throws SQLException {
    try (PreparedStatement savepoint = connection.prepareStatement("savepoint convo_archive_restore")) {
      savepoint.execute();
    }
    try {
      if (conversation.hasLiveRows()) {
        insertRows(connection, conversation);
      } else {
        insertMapped(connection, conversation);
      }
      // Deferred keys are checked now, while a refusal can still be answered as one.
      try (PreparedStatement check = connection.prepareStatement("set constraints all immediate")) {
        check.execute();
      }
    } catch (SQLException e) {
      try (PreparedStatement rollback = connection.prepareStatement("rollback to savepoint convo_archive_restore")) {
        rollback.execute();
      }
      String state = Transactions.sqlState(e);
      if (state.equals(UNIQUE_VIOLATION) && isRootKey(e)) {
        throw taken.get();
      }
      if (state.startsWith("23")) {
        throw ConflictException.notRestorable(conversation.owner().value(), conversation.id().value(), refusal(e));
      }
      throw e;
    }
  }

  /** The database's own words for a refused row: which key or column, and which value, is missing or taken. */
  private static String refusal(SQLException e) {
    String detail = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        ? p.getServerErrorMessage().getDetail() : null;
    String table = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        ? p.getServerErrorMessage().getTable() : null;
    String what = switch (Transactions.sqlState(e)) {
      case FOREIGN_KEY_VIOLATION -> "a row it references outside the conversation is gone";
      case UNIQUE_VIOLATION -> "a row with one of its keys is live again";
      case "23502" -> "a column that now requires a value has none in the archive";
      default -> "the live database refuses its rows";
    };
    return what + (table != null ? " (table " + table + ")" : "") + (detail != null ? ": " + detail : "");
  }

  private boolean isRootKey(SQLException e) {
    return e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        && tree.root().name().equals(p.getServerErrorMessage().getTable())
        && tree.root().schema().equals(p.getServerErrorMessage().getSchema());
  }

  @SuppressWarnings("unchecked")
  private void insertRows(Connection connection, Conversation conversation) throws SQLException {
    Map<String, Object> live = conversation.liveRows();
    Map<Table, List<Map<String, Object>>> byTable = new LinkedHashMap<>();
    for (Object entry : (List<Object>) live.getOrDefault("tables", List.of())) {
      Map<String, Object> tableEntry = (Map<String, Object>) entry;
      String tableSchema = (String) tableEntry.get("schema");
      String tableName = (String) tableEntry.get("table");
      Table table = tree.table(tableSchema, tableName).orElseThrow(() -> new SQLException(
          "table " + tableSchema + "." + tableName + " is no longer part of the conversation's tree", "23000"));
      byTable.put(table, (List<Map<String, Object>>) tableEntry.get("rows"));
    }
    if (!byTable.containsKey(tree.root())) {
      throw new InvalidInputException("conversation.rows", "holds no row of " + tree.root().label());
    }
    for (Table table : tree.tables()) {
      List<Map<String, Object>> rows = byTable.get(table);
      if (rows == null || rows.isEmpty()) {
        continue;
      }
      if (table.equals(tree.root())) {
        rows = withoutSoftDelete(rows);
      }
      Set<String> present = new LinkedHashSet<>();
      rows.forEach(row -> present.addAll(row.keySet()));
      Set<String> columns = new LinkedHashSet<>(present);
      columns.retainAll(table.writable());
      present.removeAll(table.writable());
      if (!present.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "restoring {0}: {1} no longer has, or computes, column(s) {2}; their "
            + "archived values are not written", conversation.id(), table.label(), present);
      }
      insertInto(connection, table, columns, rows);
    }
    for (Object entry : (List<Object>) live.getOrDefault("detached", List.of())) {
      pointBack(connection, (Map<String, Object>) entry);
    }
  }

  /** The root rows without the soft-delete mark: a restored conversation must not come back deleted. */
  private List<Map<String, Object>> withoutSoftDelete(List<Map<String, Object>> rows) {
    Optional<String> deleted = names.name(Part.CONVERSATIONS_DELETED_AT).filter(c -> tree.root().column(c).isPresent());
    if (deleted.isEmpty()) {
      return rows;
    }
    List<Map<String, Object>> cleared = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> copy = new LinkedHashMap<>(row);
      copy.put(deleted.get(), null);
      cleared.add(copy);
    }
    return cleared;
  }

  /** Moves each sequence behind a column past the largest id restored, so the app's next insert cannot collide. */
  private static void advanceSequences(Connection connection, Table table, List<Map<String, Object>> rows)
      throws SQLException {
    for (Map.Entry<String, String> sequence : table.sequences().entrySet()) {
      BigInteger largest = null;
      for (Map<String, Object> row : rows) {
        if (row.get(sequence.getKey()) instanceof Number number) {
          BigInteger value = new BigDecimal(number.toString()).toBigInteger();
          largest = largest == null || value.compareTo(largest) > 0 ? value : largest;
        }
      }
      if (largest == null) {
        continue;
      }
      try (PreparedStatement setval = connection.prepareStatement("select setval(?::regclass, ?) where ? > "
          + "coalesce(pg_sequence_last_value(?::regclass), 0)")) {
        setval.setString(1, sequence.getValue());
        setval.setLong(2, largest.longValueExact());
        setval.setLong(3, largest.longValueExact());
        setval.setString(4, sequence.getValue());
        setval.execute();
      }
    }
  }

  /** Puts a reference from outside back, unless its row has changed or gone since the archive. */
  @SuppressWarnings("unchecked")
  private void pointBack(Connection connection, Map<String, Object> record) throws SQLException {
    String tableSchema = (String) record.get("schema");
    String tableName = (String) record.get("table");
    Map<String, Object> key = (Map<String, Object>) record.get("key");
    Map<String, Object> set = (Map<String, Object>) record.get("set");
    String table = Sql.quote(tableSchema) + "." + Sql.quote(tableName);
    StringJoiner columns = new StringJoiner(", ", "(", ")");
    StringJoiner values = new StringJoiner(", ");
    set.keySet().forEach(column -> {
      columns.add(Sql.quote(column));
      values.add("v." + Sql.quote(column));
    });
    StringJoiner keyColumns = new StringJoiner(", ", "(", ")");
    StringJoiner keyValues = new StringJoiner(", ");
    key.keySet().forEach(column -> {
      keyColumns.add("r." + Sql.quote(column));
      keyValues.add("k." + Sql.quote(column));
    });
    String sql = "update " + table + " r set " + columns + " = (select " + values + " from jsonb_populate_record(null::"
        + table + ", ?::jsonb) v) where " + keyColumns + " in (select " + keyValues + " from jsonb_populate_record(null::"
        + table + ", ?::jsonb) k) and to_jsonb(r) = ?::jsonb";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, json(set));
      update.setString(2, json(key));
      update.setString(3, json(record.get("after")));
      if (update.executeUpdate() == 0) {
        LOG.log(System.Logger.Level.INFO, "restore: {0} row {1} changed or went since the archive; its reference is "
            + "left as it is", tableSchema + "." + tableName, json(key));
      }
    }
  }

  /**
   * Writes a conversation archived before its rows were kept (or seeded from the domain model):
   * the conversation row and one row per message, through the mapping; every other column takes
   * its default, save the app's extra columns the archive kept.
   */
  private void insertMapped(Connection connection, Conversation conversation) throws SQLException {
    Table root = tree.root();
    Map<String, Object> row = new LinkedHashMap<>();
    names.name(Part.CONVERSATIONS_TITLE).ifPresent(title -> row.put(title, conversation.title()));
    row.put(name(Part.CONVERSATIONS_CREATED_AT), conversation.createdAt().toString());
    names.name(Part.CONVERSATIONS_UPDATED_AT).ifPresent(updated -> row.put(updated, conversation.updatedAt().toString()));
    row.putAll(writable(conversation.extraColumns(), root));
    row.put(name(Part.CONVERSATIONS_ID), conversation.id().value());
    row.put(name(Part.CONVERSATIONS_USER_ID), conversation.owner().toString());
    names.name(Part.CONVERSATIONS_DELETED_AT).filter(c -> root.column(c).isPresent()).ifPresent(c -> row.remove(c));
    insertInto(connection, root, List.of(row));
    if (conversation.messages().isEmpty()) {
      return;
    }
    Table messages = view.messagesTable().orElseThrow(() -> new InvalidInputException("conversation.messages",
        "this live database has no messages table configured (" + Part.MESSAGES_TABLE.setting() + "=none)"));
    IdType messageIds = IdType.of(messages.column(name(Part.MESSAGES_ID)).orElseThrow().type());
    for (Message message : conversation.messages()) {
      if (!IdColumns.fits(messageIds, message.id())) {
        throw new InvalidInputException("message.id", "this live database keeps message ids as "
            + messageIds.name().toLowerCase(java.util.Locale.ROOT) + ", and " + InvalidInputException.quote(message.id())
            + " is not one");
      }
    }
    Edge link = tree.parentEdges(messages).stream().filter(e -> e.parent().equals(root) && e.columns().size() == 1)
        .findFirst().orElseThrow(() -> new InvalidInputException("conversation.messages",
            "this conversation was archived before its rows were kept, and " + messages.label()
                + " does not reference " + root.label() + " by one column, so its messages cannot be written back"));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Message message : conversation.messages()) {
      Map<String, Object> values = new LinkedHashMap<>();
      names.name(Part.MESSAGES_ROLE).ifPresent(role -> values.put(role, message.role().wireName()));
      values.put(name(Part.MESSAGES_CONTENT), message.content());
      names.name(Part.MESSAGES_METADATA).ifPresent(metadata -> values.put(metadata, message.metadata()));
      names.name(Part.MESSAGES_CREATED_AT).ifPresent(created -> values.put(created, message.createdAt().toString()));
      values.putAll(writable(message.extraColumns(), messages));
      values.put(name(Part.MESSAGES_ID), message.id());
      values.put(link.columns().get(0), conversation.id().value());
      rows.add(values);
    }
    insertInto(connection, messages, rows);
  }

  private static void insertInto(Connection connection, Table table, List<Map<String, Object>> rows) throws SQLException {
    Set<String> keys = new LinkedHashSet<>();
    rows.forEach(row -> keys.addAll(row.keySet()));
    insertInto(connection, table, keys, rows);
  }

  /**
   * Inserts {@code rows} into {@code table}, {@code names} of their columns given, every value
   * converted to its column's type by PostgreSQL ({@code jsonb_populate_recordset}), identity
   * columns as given; then moves the table's sequences past the ids written.
   */
  private static void insertInto(Connection connection, Table table, Set<String> names, List<Map<String, Object>> rows)
      throws SQLException {
    String columns = quoted(names);
    try (PreparedStatement insert = connection.prepareStatement("insert into " + table.sql() + " (" + columns + ")"
        + (table.hasIdentity() ? " overriding system value" : "") + " select " + columns
        + " from jsonb_populate_recordset(null::" + table.sql() + ", ?::jsonb)")) {
      insert.setString(1, json(rows));
      insert.executeUpdate();
    }
    advanceSequences(connection, table, rows);
  }

  /** The extra columns a restore can write; a generated or since-dropped column cannot take a value. */
  private static Map<String, Object> writable(Map<String, Object> extra, Table table) {
    Map<String, Object> row = new LinkedHashMap<>();
    Set<String> writable = table.writable();
    extra.forEach((column, value) -> {
      if (writable.contains(column)) {
        row.put(column, value);
      }
    });
    return row;
  }

  // ---- Small helpers ----

  private String name(Part part) {
    return names.name(part).orElseThrow();
  }

  private static String quoted(Set<String> columns) {
    StringJoiner joined = new StringJoiner(", ");
    columns.forEach(column -> joined.add(Sql.quote(column)));
    return joined.toString();
  }

  private <T> T inTransaction(String doing, Transactions.Work<T> work) {
    return Transactions.inTransaction(dataSource, doing, work);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a row could not be written as JSON", e);
    }
  }

  private static Map<String, Object> parse(String json) {
    try {
      Map<String, Object> value = JSON.readValue(json, JSON_OBJECT);
      return value == null ? new LinkedHashMap<>() : value;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a row could not be read as JSON", e);
    }
  }

  /** Values an id column cannot hold are not in it; asking would only raise an SQL error. */
  private boolean canExist(UserId owner, ConversationId id) {
    return IdColumns.fits(ids.conversationId(), id.value()) && IdColumns.fits(ids.userId(), owner.toString());
  }

  private void requireStorable(Conversation conversation) {
    if (!IdColumns.fits(ids.conversationId(), conversation.id().value())) {
      throw new InvalidInputException("conversationId", "this live database keeps conversation ids as "
          + ids.conversationId().name().toLowerCase(java.util.Locale.ROOT) + ", and " + conversation.id() + " is not one");
    }
    if (!IdColumns.fits(ids.userId(), conversation.owner().toString())) {
      throw new InvalidInputException("userId", "this live database keeps owners as "
          + ids.userId().name().toLowerCase(java.util.Locale.ROOT) + ", and " + conversation.owner() + " is not one");
    }
  }
}
