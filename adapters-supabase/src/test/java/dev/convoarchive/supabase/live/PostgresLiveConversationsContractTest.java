package dev.convoarchive.supabase.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.contract.LiveConversationsContract;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The live-store contract on a real PostgreSQL, with uuid and with text id columns. */
class PostgresLiveConversationsContractTest {

  @Nested
  class UuidIds extends LiveConversationsContract {
    @Override
    protected LiveConversations createLive() {
      return PostgresLiveConversations.on(TestDatabase.pool(IdType.UUID), TestDatabase.schema(IdType.UUID));
    }

    @Test
    void theIdColumnsReallyAreUuid() throws SQLException {
      assertThat(columnType(TestDatabase.pool(IdType.UUID), TestDatabase.schema(IdType.UUID))).isEqualTo("uuid");
    }
  }

  @Nested
  class TextIds extends LiveConversationsContract {
    @Override
    protected LiveConversations createLive() {
      return PostgresLiveConversations.on(TestDatabase.pool(IdType.TEXT), TestDatabase.schema(IdType.TEXT));
    }

    @Test
    void theIdColumnsReallyAreText() throws SQLException {
      assertThat(columnType(TestDatabase.pool(IdType.TEXT), TestDatabase.schema(IdType.TEXT))).isEqualTo("text");
    }
  }

  /** Behind Supabase's transaction-mode pooler prepared statements must be off; the adapter must not need them. */
  @Nested
  class WithoutPreparedStatements extends LiveConversationsContract {
    private HikariDataSource pool;

    @Override
    protected LiveConversations createLive() {
      pool = SupabaseDatabase.pool(TestDatabase.config(IdType.UUID).withPreparedStatements(false).withPoolSize(4));
      TestDatabase.pool(IdType.UUID); // the tables
      return PostgresLiveConversations.on(pool, TestDatabase.schema(IdType.UUID));
    }

    @Override
    protected void closeLive() {
      pool.close();
    }
  }

  static String columnType(DataSource pool, String schema) throws SQLException {
    try (Connection c = pool.getConnection();
        ResultSet rows = c.createStatement().executeQuery(
            "select data_type from information_schema.columns where table_schema = '" + schema
                + "' and table_name = 'messages' and column_name = 'conversation_id'")) {
      rows.next();
      return rows.getString(1);
    }
  }
}
