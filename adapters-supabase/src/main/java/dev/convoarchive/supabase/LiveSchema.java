package dev.convoarchive.supabase;

import dev.convoarchive.supabase.LiveTables.Part;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The live tables as the database has them, read once at start-up: the id column types, and which
 * columns a restore may write (not generated, not identity ALWAYS). Whatever is missing or of the
 * wrong kind stops start-up with one message naming each problem and the setting that changes it.
 */
record LiveSchema(String schema, LiveTables tables, IdColumns ids, Set<String> conversationColumns,
    Set<String> messageColumns) {

  private static final Set<String> TIMES = Set.of("timestamp with time zone", "timestamp without time zone");
  private static final Set<String> JSON_TYPES = Set.of("json", "jsonb");
  private static final Set<String> IDS = Set.of("uuid", "text", "character varying");

  /** A column as information_schema describes it. */
  private record Column(String type, boolean writable) {}

  String conversationsTable() {
    return LiveTables.quote(schema) + "." + tables.sql(Part.CONVERSATIONS_TABLE);
  }

  String messagesTable() {
    return LiveTables.quote(schema) + "." + tables.sql(Part.MESSAGES_TABLE);
  }

  /** The quoted name of a part that is not none. */
  String column(Part part) {
    return tables.sql(part);
  }

  static LiveSchema read(DataSource dataSource, String schema, LiveTables tables) {
    String conversations = tables.name(Part.CONVERSATIONS_TABLE).orElseThrow();
    String messages = tables.name(Part.MESSAGES_TABLE).orElseThrow();
    Map<String, Map<String, Column>> found = new HashMap<>();
    String sql = "select table_name, column_name, data_type, is_generated, identity_generation "
        + "from information_schema.columns where table_schema = ? and table_name in (?, ?)";
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema);
      statement.setString(2, conversations);
      statement.setString(3, messages);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          boolean writable = !"ALWAYS".equals(rows.getString(4)) && !"ALWAYS".equals(rows.getString(5));
          found.computeIfAbsent(rows.getString(1), table -> new HashMap<>())
              .put(rows.getString(2), new Column(rows.getString(3), writable));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the live database's tables: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    Map<String, Column> conversationTable = table(found, schema, conversations, Part.CONVERSATIONS_TABLE, problems);
    Map<String, Column> messageTable = table(found, schema, messages, Part.MESSAGES_TABLE, problems);
    if (problems.isEmpty()) {
      String c = schema + "." + conversations;
      String m = schema + "." + messages;
      require(conversationTable, c, tables, Part.CONVERSATIONS_ID, IDS, problems);
      require(conversationTable, c, tables, Part.CONVERSATIONS_USER_ID, IDS, problems);
      require(conversationTable, c, tables, Part.CONVERSATIONS_TITLE, null, problems);
      require(conversationTable, c, tables, Part.CONVERSATIONS_CREATED_AT, TIMES, problems);
      require(conversationTable, c, tables, Part.CONVERSATIONS_UPDATED_AT, TIMES, problems);
      require(messageTable, m, tables, Part.MESSAGES_ID, IDS, problems);
      require(messageTable, m, tables, Part.MESSAGES_CONVERSATION_ID, IDS, problems);
      require(messageTable, m, tables, Part.MESSAGES_ROLE, null, problems);
      require(messageTable, m, tables, Part.MESSAGES_CONTENT, null, problems);
      require(messageTable, m, tables, Part.MESSAGES_METADATA, JSON_TYPES, problems);
      require(messageTable, m, tables, Part.MESSAGES_CREATED_AT, TIMES, problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the live database does not have the tables convo-archive was told to use:\n  "
          + String.join("\n  ", problems)
          + "\nset the LIVE_* settings to the app's own table and column names (see the README), or, for a new "
          + "app, apply the schema.sql shipped with convo-archive (adapters-supabase)");
    }
    IdColumns ids = new IdColumns(
        IdType.of(conversationTable.get(tables.name(Part.CONVERSATIONS_ID).orElseThrow()).type()),
        IdType.of(conversationTable.get(tables.name(Part.CONVERSATIONS_USER_ID).orElseThrow()).type()),
        IdType.of(messageTable.get(tables.name(Part.MESSAGES_ID).orElseThrow()).type()));
    return new LiveSchema(schema, tables, ids, writable(conversationTable), writable(messageTable));
  }

  private static Map<String, Column> table(Map<String, Map<String, Column>> found, String schema, String table, Part part,
      List<String> problems) {
    Map<String, Column> columns = found.get(table);
    if (columns == null) {
      problems.add("table " + schema + "." + table + " not found (" + part.setting() + ": " + part.meaning() + ")");
      return Map.of();
    }
    return columns;
  }

  private static void require(Map<String, Column> columns, String table, LiveTables tables, Part part, Set<String> types,
      List<String> problems) {
    if (tables.name(part).isEmpty()) {
      return; // none: the app has no such column
    }
    String name = tables.name(part).get();
    Column column = columns.get(name);
    if (column == null) {
      problems.add("column " + table + "." + name + " not found (" + part.setting() + ": " + part.meaning() + ")");
    } else if (types != null && !types.contains(column.type())) {
      problems.add("column " + table + "." + name + " is " + column.type() + ", not " + String.join(" or ", types)
          + " (" + part.setting() + ": " + part.meaning() + ")");
    }
  }

  private static Set<String> writable(Map<String, Column> columns) {
    Set<String> names = new HashSet<>();
    columns.forEach((name, column) -> {
      if (column.writable()) {
        names.add(name);
      }
    });
    return Set.copyOf(names);
  }
}
