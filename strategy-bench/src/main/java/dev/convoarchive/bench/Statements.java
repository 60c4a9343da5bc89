package dev.convoarchive.bench;

import dev.convoarchive.supabase.SupabaseDbConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The plain SQL the scenarios run to seed, measure and clean up, outside the service's own code. */
final class Statements {

  private Statements() {}

  static void execute(DataSource database, String sql) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The first column of the first row. */
  static String text(DataSource database, String sql) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  /** The first column of the first row, as a number. */
  static double number(DataSource database, String sql) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getDouble(1);
    }
  }

  /** A connection a statement at a time, without a pool, to {@code database}. */
  static DataSource unpooled(SupabaseDbConfig database) {
    PGSimpleDataSource plain = new PGSimpleDataSource();
    plain.setUrl(database.jdbcUrl());
    plain.setUser(database.user());
    plain.setPassword(database.password());
    return plain;
  }
}
