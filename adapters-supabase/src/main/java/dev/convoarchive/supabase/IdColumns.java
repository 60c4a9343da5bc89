package dev.convoarchive.supabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The types of the id columns as the database has them. Values are bound untyped so PostgreSQL
 * coerces them to whichever type a column has; a value that cannot be a uuid is caught here,
 * before it could become an SQL error.
 */
record IdColumns(IdType conversationId, IdType userId, IdType messageId) {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * The spellings PostgreSQL's uuid input accepts within an id's alphabet: 32 hex digits in either
   * case, with an optional hyphen after any group of four.
   */
  private static final Pattern UUID_INPUT = Pattern.compile("[0-9a-fA-F]{4}(-?[0-9a-fA-F]{4}){7}");

  /** The canonical form (lower case, 8-4-4-4-12) of a value a uuid column reads as a uuid; others as given. */
  static String canonical(IdType type, String value) {
    if (type != IdType.UUID || !UUID_INPUT.matcher(value).matches()) {
      return value;
    }
    String hex = value.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
        + "-" + hex.substring(20);
  }

  static boolean fits(IdType type, String value) {
    return type == IdType.TEXT || UUID_TEXT.matcher(value).matches();
  }

  /** Reads the column types; a missing table stops start-up with what to do about it. */
  static IdColumns detect(DataSource dataSource, String schema) {
    String sql = "select table_name, column_name, data_type from information_schema.columns "
        + "where table_schema = ? and table_name in ('conversations', 'messages') "
        + "and column_name in ('id', 'user_id', 'conversation_id')";
    Map<String, IdType> types = new HashMap<>();
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          types.put(rows.getString(1) + "." + rows.getString(2),
              rows.getString(3).equals("uuid") ? IdType.UUID : IdType.TEXT);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the live database's tables: " + e.getMessage(), e);
    }
    for (String column : new String[] {"conversations.id", "conversations.user_id", "messages.id", "messages.conversation_id"}) {
      if (!types.containsKey(column)) {
        throw new IllegalStateException("column " + schema + "." + column + " not found in the live database; "
            + "apply the schema.sql shipped with convo-archive (adapters-supabase) first");
      }
    }
    return new IdColumns(types.get("conversations.id"), types.get("conversations.user_id"), types.get("messages.id"));
  }
}
