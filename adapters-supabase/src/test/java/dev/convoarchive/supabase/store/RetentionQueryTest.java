package dev.convoarchive.supabase.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Retention at scale with the PostgreSQL index: the entries archived before a cutoff across every
 * owner come oldest first from one keyset query a batch, on an index of their own (not a walk of
 * each owner's listing).
 */
class RetentionQueryTest {

  private static final String SCHEMA = "retention_test";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static DataSource pool() {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    ServiceSchema.migrate(pool, SCHEMA);
    return pool;
  }

  @Test
  void expiredEntriesOfEveryOwnerComeOldestFirstInBatchesThatCoverEachOnce() {
    PostgresArchiveCatalog catalog = new PostgresArchiveCatalog(pool(), SCHEMA);
    Instant cutoff = T0.plusSeconds(1000);
    List<OwnedEntry> expected = new ArrayList<>();
    for (int o = 0; o < 3; o++) {
      UserId owner = UserId.random();
      for (int i = 0; i < 7; i++) {
        // Some before the cutoff, some after, several owners at the same instant.
        Instant at = T0.plusSeconds(i * 300L);
        ArchiveEntry entry = new ArchiveEntry(ConversationId.of(UUID.randomUUID().toString()), "t", 1, T0, at, 10);
        catalog.record(owner, entry.id(), () -> new StoreResult(entry, true));
        if (at.isBefore(cutoff)) {
          expected.add(new OwnedEntry(owner, entry));
        }
      }
    }
    expected.sort(OwnedEntry.OLDEST_FIRST);

    List<OwnedEntry> walked = new ArrayList<>();
    for (List<OwnedEntry> batch = catalog.archivedBefore(cutoff, null, 5).orElseThrow(); !batch.isEmpty();
        batch = catalog.archivedBefore(cutoff, batch.get(batch.size() - 1), 5).orElseThrow()) {
      assertThat(batch).hasSizeLessThanOrEqualTo(5);
      walked.addAll(batch);
    }

    List<OwnedEntry> mine = walked.stream().filter(e -> expected.stream().anyMatch(x -> x.owner().equals(e.owner()))).toList();
    assertThat(mine).containsExactlyElementsOf(expected);
    assertThat(walked).isSortedAccordingTo(OwnedEntry.OLDEST_FIRST).allSatisfy(e -> assertThat(e.entry().archivedAt()).isBefore(cutoff));
  }

  /** The batch query reads its own index in order and stops at the batch: no sort, no walk of the table. */
  @Test
  void theBatchQueryUsesItsIndex() throws Exception {
    DataSource pool = pool();
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("insert into " + SCHEMA + ".archive_catalog (user_id, conversation_id, title, message_count,"
          + " created_at, archived_at, size_bytes) select gen_random_uuid()::text, gen_random_uuid()::text, 't', 1, now(),"
          + " now() - (g || ' minutes')::interval, 10 from generate_series(1, 20000) g");
      statement.execute("analyze " + SCHEMA + ".archive_catalog");
      List<String> plan = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("explain select conversation_id, title, message_count, created_at,"
          + " archived_at, size_bytes, user_id from " + SCHEMA + ".archive_catalog where archived_at < now() - interval '1 day'"
          + " and (archived_at, user_id, conversation_id) > ('2020-01-01', '', '')"
          + " order by archived_at, user_id, conversation_id limit 1000")) {
        while (rows.next()) {
          plan.add(rows.getString(1));
        }
      }
      assertThat(String.join("\n", plan)).contains("Index Scan using archive_catalog_archived").doesNotContain("Sort")
          .doesNotContain("Seq Scan");
    }
  }
}
