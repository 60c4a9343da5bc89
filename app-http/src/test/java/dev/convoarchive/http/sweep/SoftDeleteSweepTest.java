package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An unchanged chat app on a database with soft-delete.sql: its own DELETE (as supabase-js sends
 * it, as the authenticated role under row-level security) hides the conversation at once, and the
 * sweeper moves it to the archive within seconds, really deleting it.
 */
class SoftDeleteSweepTest {

  private static final Tokens tokens = Tokens.shared();

  @Test
  void anAppsOwnDeleteHidesTheConversationAtOnceAndTheSweeperArchivesIt() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    Conversation deleted = Conversations.sample(user, 3);
    Conversation kept = Conversations.sample(user, 2);
    live.restore(deleted);
    live.restore(kept);

    try (TestService service = TestService.start(TestService.sweeping(database), List.of())) {
      assertThat(database.visibleToApp(user, deleted.id())).isEqualTo(4);
      database.deleteAsApp(user, deleted.id());

      assertThat(database.visibleToApp(user, deleted.id())).as("hidden from the app at once").isZero();
      assertThat(database.visibleToApp(user, kept.id())).isEqualTo(3);
      Polling.await("the sweeper archived it", () -> service.send("GET", "/v1/users/me/archive/" + deleted.id(), token).statusCode() == 200);
      assertThat(database.count("select count(*) from conversations where id = '" + deleted.id() + "'"))
          .as("really deleted by the service's move-out").isZero();
      assertThat(service.send("GET", "/v1/users/me/archive/" + deleted.id(), token).body()).contains("message 2 of");
      assertThat(live.find(user, kept.id()).map(Conversation::withoutLiveRows)).contains(kept);

      // Restored, it is the app's again: visible, and not swept (deleted_at is not set on it).
      assertThat(service.send("POST", "/v1/users/me/archive/" + deleted.id() + "/restore", token).statusCode()).isEqualTo(200);
      assertThat(database.visibleToApp(user, deleted.id())).isEqualTo(4);
      Thread.sleep(1_000);
      assertThat(live.find(user, deleted.id()).map(Conversation::withoutLiveRows)).contains(deleted);

      String metrics = service.send("GET", "/metrics", null).body();
      assertThat(metrics).contains("sweeper_archived_total 1.0").contains("sweeper_oldest_due_seconds");
      assertThat(service.send("GET", "/health/ready", null).body()).contains("\"sweeper\":\"up\"");
    }
  }

  @Test
  void theUndoScriptMakesTheAppsDeleteRealAgain() {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    UserId user = UserId.random();
    Conversation conversation = Conversations.sample(user, 1);
    live.restore(conversation);

    SupabaseDatabase.runScript(database.config(), "soft-delete-undo.sql");
    assertThat(database.deleteAsApp(user, conversation.id())).isEqualTo(1);

    assertThat(database.count("select count(*) from conversations where id = '" + conversation.id() + "'")).isZero();
  }

  /** The soft-delete kit's column is optional now: without it the sweeper starts, and knows whether the capture kit is on. */
  @Test
  void withoutTheDeletedColumnTheSweeperStartsAndSeesTheCaptureKit() {
    AppDatabase database = AppDatabase.create(false);
    AppConfig config = TestService.sweeping(database);
    try (TestService service = TestService.start(config, List.of())) {
      // The sweeper started; a queue built as the service builds its own sees whether the kit is on.
      var queue = TestStores.sweepQueue(database.config(), config.sweep().source());
      assertThat(queue.captureInstalled()).isFalse();
      SupabaseDatabase.runScript(database.config(), "capture");
      assertThat(queue.captureInstalled()).isTrue();
    }
  }

  @Test
  void aDeletedColumnThatIsNotATimestampStopsStartUpInsteadOfSweepingEverything() {
    AppDatabase database = AppDatabase.create(false);
    database.execute("alter table conversations add column is_deleted boolean not null default false");
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    Conversation conversation = Conversations.sample(UserId.random(), 1);
    live.restore(conversation);
    AppConfig config = TestService.sweeping(database);
    AppConfig flagged = config.withSweep(config.sweep().withSource(
        new dev.convoarchive.supabase.store.SweepSource("is_deleted", java.util.Optional.empty())));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestService.start(flagged, List.of()))
        .hasMessageContaining("is_deleted").hasMessageContaining("must be a timestamp");
    Conversation still = live.find(conversation.owner(), conversation.id()).orElseThrow();
    assertThat(still.messages()).isEqualTo(conversation.messages());
    assertThat(still.liveRows().toString()).as("the app's own column, kept as it is").contains("is_deleted=false");
  }
}
