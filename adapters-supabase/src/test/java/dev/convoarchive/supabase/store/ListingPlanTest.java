package dev.convoarchive.supabase.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A listing page reads one page of the listing index, whatever the planner's statistics say of
 * the user: when they say the user has a few rows (right after a bulk load, or for a user they
 * know too little of), a key led by the user would let the planner read all of them and sort.
 */
class ListingPlanTest {

  private static final String SCHEMA = "catalog_plan";
  private static final String PAGE = "select conversation_id, title, message_count, created_at, archived_at, size_bytes from "
      + SCHEMA + ".archive_catalog where user_id = '%s' order by archived_at desc, conversation_id limit 101";

  @Test
  void aPageOfAUserWithThousandsOfEntriesReadsOnePageOfTheListingIndex() throws Exception {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    ArchiveCatalog catalog = PostgresArchiveCatalogContractTest.catalog(pool, SCHEMA);
    // Statistics gathered while users had a hundred entries or one...
    catalog.rebuild(UserId.random(), entries(100), id -> true);
    catalog.rebuild(UserId.random(), entries(1), id -> true);
    execute(pool, "analyze " + SCHEMA + ".archive_catalog");
    // ...then one user's thousands of entries loaded at once, before any new statistics.
    UserId heavy = UserId.random();
    catalog.rebuild(heavy, entries(5000), id -> true);

    String plan = plan(pool, String.format(PAGE, heavy));
    assertThat(plan).as(plan).contains("archive_catalog_listing").doesNotContain("Sort");
    assertThat(catalog.page(heavy, PageRequest.first(100)).items()).hasSize(100);
  }

  /** A rebuild of thousands of entries leaves the planner knowing of them, not of the rows before. */
  @Test
  void aLargeRebuildRefreshesThePlannersStatistics() throws Exception {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    ArchiveCatalog catalog = PostgresArchiveCatalogContractTest.catalog(pool, SCHEMA + "_stats");
    catalog.rebuild(UserId.random(), entries(10), id -> true);
    execute(pool, "analyze " + SCHEMA + "_stats.archive_catalog");
    catalog.rebuild(UserId.random(), entries(PostgresArchiveCatalog.ANALYZE_AFTER_ROWS), id -> true);

    assertThat(number(pool, "select reltuples from pg_class where oid = '" + SCHEMA + "_stats.archive_catalog'::regclass"))
        .isEqualTo(10 + PostgresArchiveCatalog.ANALYZE_AFTER_ROWS);
  }

  private static double number(DataSource pool, String sql) throws Exception {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getDouble(1);
    }
  }

  private static List<ArchiveEntry> entries(int count) {
    List<ArchiveEntry> entries = new ArrayList<>();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < count; i++) {
      entries.add(new ArchiveEntry(ConversationId.of(java.util.UUID.randomUUID().toString()), "t", 10, at, at.plusSeconds(i), 3000));
    }
    return entries;
  }

  private static String plan(DataSource pool, String sql) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("explain (analyze, costs off, timing off) " + sql)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static void execute(DataSource pool, String sql) throws Exception {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
