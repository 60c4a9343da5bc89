package dev.convoarchive.supabase.jdbc;

import dev.convoarchive.domain.error.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import javax.sql.DataSource;

/** Runs JDBC work in one transaction or on one connection, with PostgreSQL's failures turned into the domain's. */
public final class Transactions {

  /** Work on a connection; may throw SQL failures and anything its callbacks throw. */
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Transactions() {}

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws,
   * and its exception passed on as it was (a callback's own failure included).
   */
  public static <T> T inTransaction(DataSource dataSource, String doing, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false); // the pool restores auto-commit when the connection returns
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection);
        throw e;
      }
    } catch (SQLException e) {
      throw failure(doing + " failed", e);
    }
  }

  /** Runs {@code work} on one connection in auto-commit: for single statements. */
  public static <T> T onConnection(DataSource dataSource, String doing, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(doing + " failed", e);
    }
  }

  public static String sqlState(SQLException e) {
    return e.getSQLState() == null ? "" : e.getSQLState();
  }

  /**
   * Connection trouble, resource exhaustion, shutdowns, serialization failures and deadlocks are
   * outages a retry can get past; anything else is a bug here and is reported as such.
   */
  public static RuntimeException failure(String what, SQLException e) {
    String state = sqlState(e);
    if (e instanceof SQLTransientException || state.startsWith("08") || state.startsWith("53")
        || state.startsWith("57P") || state.equals("40001") || state.equals("40P01")) {
      return new StorageUnavailableException("live database", what + ": " + e.getMessage(), e);
    }
    return new IllegalStateException(what + ": " + e.getMessage(), e);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the transaction dies with it
    }
  }
}
