package dev.convoarchive.supabase.live;

import dev.convoarchive.supabase.jdbc.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tables a conversation owns, read from PostgreSQL's catalog: its table, and every table that
 * references it, directly or through other tables of the tree, with a foreign key whose
 * {@code ON DELETE} is {@code CASCADE}, {@code NO ACTION} or {@code RESTRICT} (the app deletes
 * such rows with the conversation, or must delete them first). Keys are followed whole, composite
 * ones included, and in any schema. A reference that {@code ON DELETE SET NULL} or
 * {@code SET DEFAULT} is not ownership: such rows stay where they are, and only their reference is
 * recorded ({@link #detachedEdges()}). Tables that belong to a conversation but declare no key are
 * added by {@link LiveTables#undeclaredKeys()}.
 *
 * <p>Tables come in insert order (the conversation's table first, a table after every table it
 * references within the tree); deleting goes the other way, leaf-first, so {@code NO ACTION} keys
 * hold as well as {@code CASCADE} ones.
 */
final class ConversationTree {

  /** A table of the tree, or one that points into it. */
  record Table(String schema, String name, List<Column> columns, List<String> primaryKey,
      Map<String, String> sequences, boolean insertTriggers) {

    /** The quoted, schema-qualified name for SQL. */
    String sql() {
      return Sql.quote(schema) + "." + Sql.quote(name);
    }

    /** The name as people read it: schema.table. */
    String label() {
      return schema + "." + name;
    }

    Optional<Column> column(String column) {
      return columns.stream().filter(c -> c.name().equals(column)).findFirst();
    }

    /** Columns an insert may give a value: not generated (identity columns are, with OVERRIDING SYSTEM VALUE). */
    Set<String> writable() {
      return columns.stream().filter(c -> !c.generated()).map(Column::name).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    boolean hasIdentity() {
      return columns.stream().anyMatch(Column::identity);
    }
  }

  /** A column as the catalog describes it. */
  record Column(String name, String type, boolean generated, boolean identity, boolean notNull) {}

  /** What a foreign key does when the row it references is deleted. */
  enum OnDelete {
    NO_ACTION("NO ACTION"), RESTRICT("RESTRICT"), CASCADE("CASCADE"), SET_NULL("SET NULL"), SET_DEFAULT("SET DEFAULT"),
    UNDECLARED("none declared (LIVE_UNDECLARED_KEYS)");

    final String sql;

    OnDelete(String sql) {
      this.sql = sql;
    }

    static OnDelete of(String confdeltype) {
      return switch (confdeltype) {
        case "a" -> NO_ACTION;
        case "r" -> RESTRICT;
        case "c" -> CASCADE;
        case "n" -> SET_NULL;
        case "d" -> SET_DEFAULT;
        default -> throw new IllegalStateException("unknown foreign key action " + confdeltype);
      };
    }

    /** Rows referencing through such a key belong to what they reference. */
    boolean owns() {
      return this != SET_NULL && this != SET_DEFAULT;
    }
  }

  /** {@code child.columns} references {@code parent.referenced}. */
  record Edge(String name, Table child, List<String> columns, Table parent, List<String> referenced, OnDelete onDelete,
      boolean deferrable) {
    String describe() {
      return child.label() + " (" + String.join(", ", columns) + ") -> " + parent.label() + " ("
          + String.join(", ", referenced) + ")";
    }
  }

  private final Table root;
  private final List<Table> tables;
  private final Map<Table, List<Edge>> parentEdges;
  private final List<Edge> detachedEdges;
  private final List<String> warnings;

  private ConversationTree(Table root, List<Table> tables, Map<Table, List<Edge>> parentEdges, List<Edge> detachedEdges,
      List<String> warnings) {
    this.root = root;
    this.tables = List.copyOf(tables);
    this.parentEdges = parentEdges;
    this.detachedEdges = List.copyOf(detachedEdges);
    this.warnings = List.copyOf(warnings);
  }

  Table root() {
    return root;
  }

  /** Every table of the tree in insert order, the conversation's table first. */
  List<Table> tables() {
    return tables;
  }

  /** The keys that tie {@code table} to tables of the tree it references (none for the root). */
  List<Edge> parentEdges(Table table) {
    return parentEdges.getOrDefault(table, List.of());
  }

  /** Keys from any table into the tree that set their reference to NULL or its default when the row goes. */
  List<Edge> detachedEdges() {
    return detachedEdges;
  }

  /** What the tree cannot follow or restore exactly, for people to read (describe-live, the start-up log). */
  List<String> warnings() {
    return warnings;
  }

  Optional<Table> table(String schema, String name) {
    return tables.stream().filter(t -> t.schema().equals(schema) && t.name().equals(name)).findFirst();
  }

  /** True when some table of the tree is reached again from itself (its rows are then looked up until none is new). */
  boolean cyclic() {
    for (Table table : tables) {
      for (Edge edge : parentEdges(table)) {
        if (tables.indexOf(edge.parent()) >= tables.indexOf(table)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A foreign key as pg_constraint has it. */
  private record Key(String name, Ref child, List<String> columns, Ref parent, List<String> referenced, OnDelete onDelete,
      boolean deferrable) {}

  /** A table by schema and name, before its columns are read. */
  private record Ref(String schema, String name) {
    String label() {
      return schema + "." + name;
    }
  }

  /**
   * Reads the tree of {@code schema.table} (and of the undeclared keys); throws with every problem
   * found (a missing table, an undeclared key naming columns that do not exist).
   */
  static ConversationTree read(Connection connection, String schema, LiveTables names) throws SQLException {
    Ref rootRef = new Ref(schema, names.name(LiveTables.Part.CONVERSATIONS_TABLE).orElseThrow());
    List<String> problems = new ArrayList<>();
    Map<Ref, Table> catalog = new HashMap<>();
    if (describe(connection, rootRef).isEmpty()) {
      throw new IllegalStateException("the live database does not have the tables convo-archive was told to use:\n  table "
          + rootRef.label() + " not found (" + LiveTables.Part.CONVERSATIONS_TABLE.setting() + ": "
          + LiveTables.Part.CONVERSATIONS_TABLE.meaning() + "; LIVE_SCHEMA: its schema)"
          + "\nset the LIVE_* settings to the app's own table and column names (see docs/operations.md, \"The app's own tables\"), or, for a new "
          + "app, apply the schema.sql shipped with convo-archive (adapters-supabase)");
    }
    List<Key> keys = foreignKeys(connection);
    for (LiveTables.UndeclaredKey undeclared : names.undeclaredKeys()) {
      Ref child = new Ref(undeclared.childSchema().orElse(schema), undeclared.childTable());
      Ref parent = new Ref(undeclared.parentSchema().orElse(schema), undeclared.parentTable());
      keys.add(new Key("undeclared " + undeclared, child, undeclared.columns(), parent, undeclared.referenced(),
          OnDelete.UNDECLARED, false));
    }
    // The messages table's link, when the app declares none: the older LIVE_MESSAGES_CONVERSATION_ID setting.
    Optional<String> messagesTable = names.name(LiveTables.Part.MESSAGES_TABLE);
    Map<Ref, List<Key>> byParent = new HashMap<>();
    for (Key key : keys) {
      byParent.computeIfAbsent(key.parent(), p -> new ArrayList<>()).add(key);
    }
    // Breadth first from the root over owning keys.
    List<Ref> order = new ArrayList<>();
    Set<Ref> inTree = new LinkedHashSet<>();
    Deque<Ref> queue = new ArrayDeque<>();
    inTree.add(rootRef);
    queue.add(rootRef);
    while (!queue.isEmpty()) {
      Ref parent = queue.poll();
      order.add(parent);
      for (Key key : byParent.getOrDefault(parent, List.of())) {
        if (key.onDelete().owns() && inTree.add(key.child())) {
          queue.add(key.child());
        }
      }
    }
    if (messagesTable.isPresent()) {
      Ref messages = new Ref(schema, messagesTable.get());
      if (!inTree.contains(messages) && describe(connection, messages).isPresent()) {
        String column = names.name(LiveTables.Part.MESSAGES_CONVERSATION_ID).orElseThrow();
        String rootId = names.name(LiveTables.Part.CONVERSATIONS_ID).orElseThrow();
        Key link = new Key("undeclared " + LiveTables.Part.MESSAGES_CONVERSATION_ID.setting(), messages, List.of(column),
            rootRef, List.of(rootId), OnDelete.UNDECLARED, false);
        keys.add(link);
        byParent.computeIfAbsent(rootRef, p -> new ArrayList<>()).add(link);
        inTree.add(messages);
        order.add(messages);
      }
    }
    for (Ref ref : inTree) {
      describe(connection, ref).ifPresentOrElse(table -> catalog.put(ref, table),
          () -> problems.add("table " + ref.label() + " not found (named by LIVE_UNDECLARED_KEYS)"));
    }
    List<Edge> treeEdges = new ArrayList<>();
    List<Edge> detached = new ArrayList<>();
    for (Key key : keys) {
      if (!inTree.contains(key.parent())) {
        continue;
      }
      Table parent = catalog.get(key.parent());
      Table child = catalog.get(key.child());
      if (child == null) {
        Optional<Table> outside = describe(connection, key.child());
        if (outside.isEmpty()) {
          problems.add("table " + key.child().label() + " not found (named by LIVE_UNDECLARED_KEYS)");
          continue;
        }
        child = outside.get();
        catalog.put(key.child(), child);
      }
      if (parent == null) {
        continue;
      }
      for (String column : key.columns()) {
        if (child.column(column).isEmpty()) {
          problems.add("column " + child.label() + "." + column + " not found (" + key.name() + ")");
        }
      }
      for (String column : key.referenced()) {
        if (parent.column(column).isEmpty()) {
          problems.add("column " + parent.label() + "." + column + " not found (" + key.name() + ")");
        }
      }
      Edge edge = new Edge(key.name(), child, key.columns(), parent, key.referenced(), key.onDelete(), key.deferrable());
      (key.onDelete().owns() && inTree.contains(key.child()) ? treeEdges : detached).add(edge);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the live database does not have the tables convo-archive was told to use:\n  "
          + String.join("\n  ", problems) + "\nset the LIVE_* settings to the app's own table and column names (see docs/operations.md, \"The app's own tables\")");
    }
    List<Table> tables = new ArrayList<>();
    for (Ref ref : order) {
      tables.add(catalog.get(ref));
    }
    Map<Table, List<Edge>> parents = new HashMap<>();
    for (Edge edge : treeEdges) {
      parents.computeIfAbsent(edge.child(), t -> new ArrayList<>()).add(edge);
    }
    List<Table> ordered = insertOrder(catalog.get(rootRef), tables, parents);
    List<String> warnings = warnings(connection, ordered, parents, detached);
    return new ConversationTree(catalog.get(rootRef), ordered, parents, detached, warnings);
  }

  /**
   * Parents before children where the keys allow it (Kahn's algorithm, ties in breadth-first
   * order); tables on a cycle of keys keep their breadth-first place.
   */
  private static List<Table> insertOrder(Table root, List<Table> breadthFirst, Map<Table, List<Edge>> parents) {
    List<Table> ordered = new ArrayList<>();
    Set<Table> placed = new HashSet<>();
    List<Table> waiting = new ArrayList<>(breadthFirst);
    while (!waiting.isEmpty()) {
      Table next = null;
      for (Table candidate : waiting) {
        boolean ready = parents.getOrDefault(candidate, List.of()).stream()
            .allMatch(edge -> edge.parent().equals(candidate) || placed.contains(edge.parent()));
        if (ready) {
          next = candidate;
          break;
        }
      }
      if (next == null) {
        next = waiting.get(0); // a cycle: keep breadth-first order
      }
      waiting.remove(next);
      placed.add(next);
      ordered.add(next);
    }
    if (!ordered.get(0).equals(root)) {
      throw new IllegalStateException("the conversation's table must come first");
    }
    return ordered;
  }

  private static List<String> warnings(Connection connection, List<Table> tables, Map<Table, List<Edge>> parents,
      List<Edge> detached) throws SQLException {
    List<String> warnings = new ArrayList<>();
    for (Table table : tables) {
      for (Edge edge : parents.getOrDefault(table, List.of())) {
        if (tables.indexOf(edge.parent()) >= tables.indexOf(table) && !edge.parent().equals(table) && !edge.deferrable()) {
          warnings.add("the keys between " + table.label() + " and " + edge.parent().label() + " form a cycle and "
              + edge.name() + " is not DEFERRABLE: a restore inserts " + table.label() + " before " + edge.parent().label()
              + " and fails; make the key DEFERRABLE INITIALLY DEFERRED");
        }
      }
      if (table.primaryKey().isEmpty()) {
        warnings.add(table.label() + " has no primary key: its rows are told apart by their whole value");
      }
      if (table.insertTriggers()) {
        warnings.add(table.label() + " has triggers on insert: they run when a restore writes its rows back, and a "
            + "trigger that changes values makes the restored rows differ from the archived ones");
      }
      if (!privileged(connection, table, "SELECT, INSERT, DELETE")) {
        warnings.add("this role lacks SELECT, INSERT or DELETE on " + table.label()
            + ": archiving or restoring its rows fails; grant them (print-sql service-role)");
      }
    }
    for (Edge edge : detached) {
      if (edge.child().primaryKey().isEmpty()) {
        warnings.add(edge.describe() + " is ON DELETE " + edge.onDelete().sql + " and " + edge.child().label()
            + " has no primary key: the archive sets such references as the app's delete would, and a restore "
            + "cannot point them back");
      }
    }
    return warnings;
  }

  private static boolean privileged(Connection connection, Table table, String privileges) throws SQLException {
    try (PreparedStatement check = connection.prepareStatement("select has_table_privilege(?::regclass, ?)")) {
      check.setString(1, table.sql());
      check.setString(2, privileges);
      try (ResultSet row = check.executeQuery()) {
        row.next();
        return row.getBoolean(1);
      }
    }
  }

  /** Every foreign key between ordinary or partitioned tables outside PostgreSQL's own schemas. */
  private static List<Key> foreignKeys(Connection connection) throws SQLException {
    String sql = """
        select con.conname, cn.nspname, cc.relname, pn.nspname, pc.relname, con.confdeltype, con.condeferrable,
          array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
                join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord)::text[],
          array(select a.attname from unnest(con.confkey) with ordinality k(attnum, ord)
                join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord)::text[]
        from pg_constraint con
        join pg_class cc on cc.oid = con.conrelid join pg_namespace cn on cn.oid = cc.relnamespace
        join pg_class pc on pc.oid = con.confrelid join pg_namespace pn on pn.oid = pc.relnamespace
        where con.contype = 'f' and con.conparentid = 0 and not cc.relispartition
          and cn.nspname not in ('pg_catalog', 'information_schema')
        order by cn.nspname, cc.relname, con.conname
        """;
    List<Key> keys = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        keys.add(new Key(rows.getString(1), new Ref(rows.getString(2), rows.getString(3)), strings(rows.getArray(8)),
            new Ref(rows.getString(4), rows.getString(5)), strings(rows.getArray(9)), OnDelete.of(rows.getString(6)),
            rows.getBoolean(7)));
      }
    }
    return keys;
  }

  /** The table's columns, primary key, sequences and insert triggers; empty when there is no such table. */
  private static Optional<Table> describe(Connection connection, Ref ref) throws SQLException {
    Long oid = null;
    try (PreparedStatement statement = connection.prepareStatement("select c.oid from pg_class c join pg_namespace n "
        + "on n.oid = c.relnamespace where n.nspname = ? and c.relname = ? and c.relkind in ('r', 'p')")) {
      statement.setString(1, ref.schema());
      statement.setString(2, ref.name());
      try (ResultSet row = statement.executeQuery()) {
        if (row.next()) {
          oid = row.getLong(1);
        }
      }
    }
    if (oid == null) {
      return Optional.empty();
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("select attname, format_type(atttypid, atttypmod), "
        + "attgenerated <> '', attidentity <> '', attnotnull from pg_attribute where attrelid = ? and attnum > 0 "
        + "and not attisdropped order by attnum")) {
      statement.setLong(1, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new Column(rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getBoolean(4),
              rows.getBoolean(5)));
        }
      }
    }
    List<String> primaryKey = List.of();
    try (PreparedStatement statement = connection.prepareStatement("select array(select a.attname from "
        + "unnest(con.conkey) with ordinality k(attnum, ord) join pg_attribute a on a.attrelid = con.conrelid "
        + "and a.attnum = k.attnum order by k.ord)::text[] from pg_constraint con where con.conrelid = ? and con.contype = 'p'")) {
      statement.setLong(1, oid);
      try (ResultSet row = statement.executeQuery()) {
        if (row.next()) {
          primaryKey = strings(row.getArray(1));
        }
      }
    }
    // Sequences behind serial and identity columns, and behind any default that calls nextval.
    Map<String, String> sequences = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement("""
        select a.attname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
        from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
        join pg_namespace sn on sn.oid = s.relnamespace
        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = ?
          and d.deptype in ('a', 'i')
        union
        select a.attname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
        from pg_attrdef ad join pg_depend d on d.classid = 'pg_attrdef'::regclass and d.objid = ad.oid
          and d.refclassid = 'pg_class'::regclass
        join pg_class s on s.oid = d.refobjid and s.relkind = 'S' join pg_namespace sn on sn.oid = s.relnamespace
        join pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
        where ad.adrelid = ?
        """)) {
      statement.setLong(1, oid);
      statement.setLong(2, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          sequences.putIfAbsent(rows.getString(1), rows.getString(2));
        }
      }
    }
    boolean insertTriggers;
    // tgtype bit 2 (value 4) marks an INSERT trigger; internal ones are the foreign keys' own.
    try (PreparedStatement statement = connection.prepareStatement(
        "select exists (select 1 from pg_trigger where tgrelid = ? and not tgisinternal and (tgtype & 4) <> 0)")) {
      statement.setLong(1, oid);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        insertTriggers = row.getBoolean(1);
      }
    }
    return Optional.of(new Table(ref.schema(), ref.name(), List.copyOf(columns), primaryKey, Map.copyOf(sequences),
        insertTriggers));
  }

  private static List<String> strings(Array array) throws SQLException {
    return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
  }

  /** What describe-live prints: the tree, each key with its action, row counts, column types, and the warnings. */
  String describe(Connection connection) throws SQLException {
    StringBuilder out = new StringBuilder();
    out.append("A conversation is a row of ").append(root.label()).append(" and every row below it:\n");
    boolean anyCaptured = false;
    for (Table table : tables) {
      long rows = rowCount(connection, table);
      boolean captured = PostgresLiveConversations.capturing(connection, table.sql());
      anyCaptured |= captured;
      out.append("\n").append(table.label()).append("  (").append(rows < 0 ? "?" : rows).append(rows == 1 ? " row" : " rows")
          .append(captured ? ", deletes captured" : "").append(")\n");
      if (table.equals(root)) {
        out.append("  the conversation's table\n");
      }
      for (Edge edge : parentEdges(table)) {
        out.append("  tied in by ").append(edge.name()).append(": (").append(String.join(", ", edge.columns()))
            .append(") -> ").append(edge.parent().label()).append(" (").append(String.join(", ", edge.referenced()))
            .append("), ON DELETE ").append(edge.onDelete().sql).append("\n");
      }
      for (Column column : table.columns()) {
        out.append("    ").append(column.name()).append(" ").append(column.type())
            .append(table.primaryKey().contains(column.name()) ? " (primary key)" : "")
            .append(column.generated() ? " (generated: computed again on restore)" : "")
            .append(column.identity() ? " (identity)" : "")
            .append(table.sequences().containsKey(column.name()) ? " (sequence " + table.sequences().get(column.name())
                + ": moved past restored ids)" : "")
            .append("\n");
      }
    }
    if (!detachedEdges.isEmpty()) {
      out.append("\nRows outside the conversation that point into it; the archive sets their reference as the app's "
          + "delete would, and a restore points it back if the row is unchanged:\n");
      for (Edge edge : detachedEdges) {
        out.append("  ").append(edge.describe()).append(", ON DELETE ").append(edge.onDelete().sql).append("\n");
      }
    }
    if (!anyCaptured) {
      out.append("\nThe app's deletes are not captured: run `print-sql capture` (see docs/operations.md, \"Adopting it without changing the chat app\") to archive them.\n");
    }
    out.append("\n").append(warnings.isEmpty() ? "No warnings.\n" : "Warnings:\n");
    for (String warning : warnings) {
      out.append("  - ").append(warning).append("\n");
    }
    return out.toString();
  }

  private static long rowCount(Connection connection, Table table) throws SQLException {
    try (PreparedStatement count = connection.prepareStatement("select count(*) from " + table.sql());
        ResultSet row = count.executeQuery()) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      return -1; // no privilege to read it: the warnings say so
    }
  }
}
