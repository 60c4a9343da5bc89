package dev.convoarchive.supabase.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.contract.ArchiveCatalogContract;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The catalog contract on a real PostgreSQL: beside chat tables with uuid ids and with text ids
 * (the catalog keeps ids as text either way), and behind the transaction-mode pooler's rules
 * (no server-side prepared statements).
 */
class PostgresArchiveCatalogContractTest {

  private static HikariDataSource noPreparedStatements;

  @AfterAll
  static void closePool() {
    if (noPreparedStatements != null) {
      noPreparedStatements.close();
    }
  }

  static ArchiveCatalog catalog(javax.sql.DataSource pool, String schema) {
    ServiceSchema.migrate(pool, schema);
    return new PostgresArchiveCatalog(pool, schema);
  }

  @Nested
  class BesideUuidChatTables extends ArchiveCatalogContract {
    @Override
    protected ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects) {
      return catalog(TestDatabase.pool(IdType.UUID), "catalog_uuid");
    }
  }

  @Nested
  class BesideTextChatTables extends ArchiveCatalogContract {
    @Override
    protected ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects) {
      return catalog(TestDatabase.pool(IdType.TEXT), "catalog_text");
    }
  }

  @Nested
  class WithoutPreparedStatements extends ArchiveCatalogContract {
    @Override
    protected ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects) {
      synchronized (PostgresArchiveCatalogContractTest.class) {
        if (noPreparedStatements == null) {
          noPreparedStatements = SupabaseDatabase.pool(TestDatabase.config(IdType.UUID).withPreparedStatements(false).withPoolSize(12));
        }
      }
      return catalog(noPreparedStatements, "catalog_pooler");
    }
  }
}
