package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.testing.Faults;
import dev.convoarchive.supabase.store.SweepSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sweeper moves a claimed batch a group at a time (held, stored and deleted with a few
 * statements for all), against the real servers: a group whose store fails for one conversation
 * commits the others and leaves that one live and due, a group whose delete the app refuses
 * leaves no copy behind and lets each conversation's own move say what became of it, and groups
 * moved by two sweepers while S3 fails lose nothing.
 */
class SweeperGroupsTest {

  private static final Tokens tokens = Tokens.shared();
  private static final int GROUP = 6;

  private static AppConfig notSweeping(AppDatabase database) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    return base.withStorage(base.s3(), database.config()).withSweep(SweepConfig.off());
  }

  private static SweepQueue queue(TestService service, AppDatabase database) {
    return TestStores.sweepQueue(database.config(), new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.empty()));
  }

  /** One user's soft-deleted conversations, claimed as one batch. */
  private static List<DueConversation> claimed(SweepQueue queue, UserId user) {
    List<DueConversation> batch = queue.claim(100, Instant.now(), Duration.ofMinutes(5)).stream()
        .filter(due -> due.owner().equals(user)).toList();
    assertThat(batch).hasSize(GROUP);
    return batch;
  }

  private static List<String> listed(TestService service, UserId user) {
    String body = service.send("GET", "/v1/users/me/archive?limit=100", tokens.hs256(tokens.userClaims(user))).body();
    List<String> ids = new ArrayList<>();
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(body);
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }

  @Test
  void aStoreThatFailsForOneCommitsTheOthersAndLeavesThatOneLiveAndDue() {
    AppDatabase database = AppDatabase.create(true);
    UserId user = UserId.random();
    Set<String> seeded = database.seedDeleted(List.of(user), GROUP, 3).get(user);
    Faults faults = new Faults();
    try (TestService service = TestService.start(notSweeping(database), List.of(faults))) {
      SweepQueue queue = queue(service, database);
      List<DueConversation> batch = claimed(queue, user);
      DueConversation broken = batch.get(2);
      faults.failNextPut(key -> key.contains(broken.id().value()));
      ArchiveService archive = service.app().archiveService();
      Instant now = Instant.now();

      ArchiveService.Grouped grouped = archive.archiveTogether(batch, (due, current) -> queue.stillDue(due, current, now));

      assertThat(faults.armed()).as("the broken conversation's upload was tried").isFalse();
      assertThat(grouped.archived()).hasSize(GROUP - 1).doesNotContain(broken);
      assertThat(grouped.failed()).containsOnlyKeys(broken);
      assertThat(grouped.failed().get(broken)).isInstanceOf(StorageUnavailableException.class);
      assertThat(grouped.alone()).isEmpty();
      assertThat(database.count("select count(*) from conversations where user_id = '" + user + "'")).isEqualTo(1);
      assertThat(database.count("select count(*) from messages where conversation_id = '" + broken.id() + "'")).isEqualTo(3);
      assertThat(listed(service, user)).hasSize(GROUP - 1).doesNotContain(broken.id().value())
          .allMatch(seeded::contains);
      assertThat(queue.countDue(now)).as("the broken one is still due").isEqualTo(1);
      queue.releaseAll(grouped.archived());
      assertThat(database.count("select count(*) from " + database.config().serviceSchema() + ".sweep_claims"))
          .as("claims left: the broken one's, until its lease lapses").isEqualTo(1);

      // Its next turn archives it.
      ArchiveService.Grouped again = archive.archiveTogether(List.of(broken), (due, current) -> queue.stillDue(due, current, now));
      assertThat(again.archived()).containsExactly(broken);
      assertThat(listed(service, user)).containsExactlyInAnyOrderElementsOf(seeded);
      assertThat(database.count("select count(*) from conversations where user_id = '" + user + "'")).isZero();
    }
  }

  /**
   * Two sweepers move groups while S3 fails 15% of requests (dropped connections, 503, 500 after
   * doing the work): no conversation is ever in neither place, and once S3 recovers the next
   * passes archive every one exactly once: the listing, the objects and the seeded set agree.
   */
  @Test
  void withS3FailingTwoSweepersLoseNothingAndFinishOnceItRecovers() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    List<UserId> users = List.of(UserId.random(), UserId.random(), UserId.random(), UserId.random());
    Map<UserId, Set<String>> seeded = database.seedDeleted(users, 30, 2);
    Faults chaosA = new Faults();
    Faults chaosB = new Faults();
    Duration lease = Duration.ofMillis(300);
    try (TestService a = TestService.start(notSweeping(database), List.of(chaosA));
        TestService b = TestService.start(notSweeping(database), List.of(chaosB))) {
      List<Sweeper> sweepers = new ArrayList<>();
      for (TestService service : List.of(a, b)) {
        sweepers.add(new Sweeper(service.app().archiveService(), queue(service, database),
            Optional.empty(), new Sweeper.Settings(20, 4, lease, Optional.empty()), java.time.Clock.systemUTC()));
      }
      chaosA.rate(0.15);
      chaosB.rate(0.15);
      Concurrently.run(2, i -> () -> {
        for (int pass = 0; pass < 3; pass++) {
          sweepers.get(i).runOnce(progress -> {});
        }
        return List.of();
      });
      chaosA.rate(0);
      chaosB.rate(0);
      assertThat(chaosA.injected() + chaosB.injected()).as("faults injected").isPositive();
      for (UserId user : users) {
        Set<String> somewhere = new java.util.HashSet<>(listed(a, user));
        somewhere.addAll(database.liveIds(user));
        assertThat(somewhere).as("archived or live after the faults, " + user).containsAll(seeded.get(user));
      }

      Thread.sleep(lease.toMillis() * 2); // failed claims lapse
      for (int pass = 0; pass < 5 && database.count("select count(*) from conversations") > 0; pass++) {
        sweepers.get(pass % 2).runOnce(progress -> {});
        Thread.sleep(lease.toMillis() * 2);
      }
      assertThat(database.count("select count(*) from conversations")).as("left live").isZero();
      for (UserId user : users) {
        assertThat(listed(a, user)).as("listing of " + user).hasSize(seeded.get(user).size())
            .containsExactlyInAnyOrderElementsOf(seeded.get(user));
      }
      sweepers.forEach(Sweeper::close);
    }
  }

  @Test
  void aGroupWhoseDeleteTheAppRefusesLeavesNoCopyAndEachConversationMovesAlone() {
    AppDatabase database = AppDatabase.create(true);
    UserId user = UserId.random();
    Set<String> seeded = database.seedDeleted(List.of(user), GROUP, 2).get(user);
    String kept = seeded.iterator().next();
    database.execute("create function keep_one() returns trigger language plpgsql as $$ begin "
        + "if old.conversation_id = '" + kept + "' then return null; end if; return old; end $$; "
        + "create trigger keep_one before delete on messages for each row execute function keep_one()");
    try (TestService service = TestService.start(notSweeping(database), List.of())) {
      SweepQueue queue = queue(service, database);
      List<DueConversation> batch = claimed(queue, user);
      ArchiveService archive = service.app().archiveService();
      Instant now = Instant.now();

      ArchiveService.Grouped grouped = archive.archiveTogether(batch, (due, current) -> queue.stillDue(due, current, now));

      assertThat(grouped.archived()).isEmpty();
      assertThat(grouped.alone()).containsExactlyInAnyOrderElementsOf(batch);
      assertThat(listed(service, user)).as("the copies the refused group made were taken back").isEmpty();
      assertThat(database.count("select count(*) from conversations where user_id = '" + user + "'")).isEqualTo(GROUP);

      // Each alone: the others move, the kept one is refused with the app's reason and stays live, unarchived.
      Map<String, String> outcomes = new java.util.HashMap<>();
      for (DueConversation due : grouped.alone()) {
        try {
          archive.archiveIf(due.owner(), due.id(), current -> queue.stillDue(due, current, now));
          outcomes.put(due.id().value(), "archived");
        } catch (RuntimeException e) {
          outcomes.put(due.id().value(), e.getMessage());
        }
      }
      assertThat(outcomes.get(kept)).contains("kept them");
      assertThat(outcomes).hasSize(GROUP);
      assertThat(outcomes.values()).filteredOn("archived"::equals).hasSize(GROUP - 1);
      assertThat(listed(service, user)).hasSize(GROUP - 1).doesNotContain(kept);
      assertThat(database.count("select count(*) from conversations where id = '" + kept + "'")).isEqualTo(1);
    }
  }
}
