package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's upgrade from the soft-delete kit to the capture kit, step by step, on a database
 * that holds conversations the old kit marked deleted: nothing is lost, and nothing deleted shows
 * to the app again on the way.
 */
class UpgradeFromSoftDeleteTest {

  private static final Tokens tokens = Tokens.shared();

  @Test
  void theDocumentedSequenceLosesNothingAndShowsNothingDeleted() throws Exception {
    AppDatabase database = AppDatabase.create(true); // the old kit installed
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    Conversation markedBefore = Conversations.sample(user, 2);
    Conversation deletedAfter = Conversations.sample(user, 2);
    Conversation kept = Conversations.sample(user, 1);
    live.restore(markedBefore);
    live.restore(deletedAfter);
    live.restore(kept);
    database.deleteAsApp(user, markedBefore.id()); // the old kit marks it and hides it
    assertThat(database.visibleToApp(user, markedBefore.id())).isZero();

    // (1) this version, sweeping; (2) the capture kit; (3) soft-delete-undo, first run.
    try (TestService service = TestService.start(TestService.sweeping(database), List.of())) {
      SupabaseDatabase.runScript(database.config(), "capture");
      SupabaseDatabase.runScript(database.config(), "soft-delete-undo");
      assertThat(database.visibleToApp(user, markedBefore.id())).as("still hidden until swept").isZero();

      database.deleteAsApp(user, deletedAfter.id()); // really deleted now, and captured
      assertThat(database.count("select count(*) from conversations where id = '" + deletedAfter.id() + "'")).isZero();

      Polling.await("both are archived", () ->
          service.send("GET", "/v1/users/me/archive/" + markedBefore.id(), token).statusCode() == 200
              && service.send("GET", "/v1/users/me/archive/" + deletedAfter.id(), token).statusCode() == 200);
      assertThat(database.count("select count(*) from conversations where deleted_at is not null")).isZero();

      // (4) soft-delete-undo again: the policies go once nothing is marked.
      SupabaseDatabase.runScript(database.config(), "soft-delete-undo");
      assertThat(database.count("select count(*) from pg_policies where policyname = 'convo_archive_hide_deleted'"))
          .isZero();
      assertThat(database.visibleToApp(user, kept.id())).as("the app's own, untouched").isEqualTo(2);
      assertThat(service.send("GET", "/v1/users/me/archive/" + deletedAfter.id(), token).body())
          .contains("message 1 of " + deletedAfter.id());
    }
  }
}
