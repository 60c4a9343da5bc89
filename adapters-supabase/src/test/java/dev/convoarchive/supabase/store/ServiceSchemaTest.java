package dev.convoarchive.supabase.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The service's own schema: created from nothing, left alone when up to date, and safe when instances start together. */
class ServiceSchemaTest {

  private static String freshSchema() {
    return "svc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @Test
  void anEmptyDatabaseGetsItsTablesInItsOwnSchemaWithRowLevelSecurityAndNoPolicies() throws SQLException {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    String schema = freshSchema();

    assertThat(ServiceSchema.migrate(pool, schema)).as("migrations applied").isEqualTo(6);

    assertThat(query(pool, "select c.relname || ':' || relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        + " where n.nspname = '" + schema + "' and c.relkind = 'r' and c.relname <> '" + ServiceSchema.HISTORY_TABLE + "' order by 1"))
        .containsExactly("archive_catalog:true", "captured_rows:true", "deleted_users:true", "restored_conversations:true",
            "sweep_claims:true");
    assertThat(query(pool, "select count(*) from pg_policies where schemaname = '" + schema + "'")).containsExactly("0");
    assertThat(query(pool, "select indexname from pg_indexes where schemaname = '" + schema + "' and indexdef like '%USING gin (search_vector)%'"))
        .as("V5: the search documents' GIN index").containsExactly("archive_catalog_search");
    assertThat(query(pool, "select table_name from information_schema.tables where table_schema = '" + schema + "' order by 1"))
        .containsExactly("archive_catalog", "captured_rows", ServiceSchema.HISTORY_TABLE, "deleted_users",
            "restored_conversations", "sweep_claims");
    assertThat(query(pool, "select count(*) from information_schema.tables where table_schema = 'public'"
        + " and table_name in ('archive_catalog', '" + ServiceSchema.HISTORY_TABLE + "')")).containsExactly("0");
  }

  @Test
  void anUpToDateSchemaIsLeftAlone() throws SQLException {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    String schema = freshSchema();
    ServiceSchema.migrate(pool, schema);
    List<String> history = query(pool, "select version || ':' || success from \"" + schema + "\"." + ServiceSchema.HISTORY_TABLE + " where version is not null");

    assertThat(ServiceSchema.migrate(pool, schema)).isZero();

    assertThat(query(pool, "select version || ':' || success from \"" + schema + "\"." + ServiceSchema.HISTORY_TABLE + " where version is not null"))
        .isEqualTo(history).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true");
  }

  @Test
  void instancesStartingTogetherMigrateOnceBetweenThem() throws Exception {
    String schema = freshSchema();
    List<HikariDataSource> pools = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pools.add(SupabaseDatabase.pool(TestDatabase.config(IdType.UUID).withPoolSize(2)));
    }
    try {
      List<Integer> applied = Concurrently.run(4, t -> () -> List.of(ServiceSchema.migrate(pools.get(t), schema)));

      assertThat(applied.stream().mapToInt(Integer::intValue).sum()).as("each migration applied once in all").isEqualTo(6);
      assertThat(query(pools.get(0), "select count(*) from \"" + schema + "\".archive_catalog")).containsExactly("0");
    } finally {
      pools.forEach(HikariDataSource::close);
    }
  }

  private static List<String> query(DataSource pool, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
