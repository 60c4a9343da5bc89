package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.AppDatabases;
import dev.convoarchive.supabase.ChatApp;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.store.SweepSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each defect found from outside in the sweeper, reproduced; each failed on the code before the capture kit. */
class SweeperDefectsTest {

  private static final Tokens tokens = Tokens.shared();

  private static AppConfig sweeping(SupabaseDbConfig db, Optional<Duration> inactiveAfter) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    SweepSource source = new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, inactiveAfter)
        .withCapture(Duration.ZERO, SweepSource.DEFAULT_CAPTURE_WINDOW, true);
    return base.withStorage(base.s3(), db).withSweep(SweepConfig.off().on().withInterval(Duration.ofMillis(100))
        .withSource(source));
  }

  /** The sweep queue as the service builds it, without a sweeper running passes of its own. */
  private static SweepQueue queue(TestService service, SupabaseDbConfig db, Optional<Duration> inactiveAfter) {
    return TestStores.sweepQueue(db, new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, inactiveAfter));
  }

  /**
   * An app trigger that keeps the rows the move deletes: the archive is refused with a 409 and the
   * conversation stays live and unarchived (it used to answer 201 and leave the rows live).
   */
  @Test
  void aDeleteTheAppSuppressesRollsTheMoveBackAndSaysSo() throws Exception {
    AppDatabase database = AppDatabase.create(false);
    database.execute("create function keep_messages() returns trigger language plpgsql as $$ begin return null; end $$; "
        + "create trigger keep_messages before delete on messages for each row execute function keep_messages()");
    UserId user = UserId.random();
    Conversation conversation = Conversations.sample(user, 2);
    AppConfig config = sweeping(database.config(), Optional.empty());
    try (TestService service = TestService.start(config.withSweep(SweepConfig.off()), List.of())) {
      service.app().liveConversations().restore(conversation);
      String token = tokens.hs256(tokens.userClaims(user));

      HttpResponse<String> refused = service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive",
          token);

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(refused.body()).contains("kept them").contains("stays live");
      assertThat(database.count("select count(*) from conversations where id = '" + conversation.id() + "'")).isEqualTo(1);
      assertThat(database.count("select count(*) from messages where conversation_id = '" + conversation.id() + "'"))
          .isEqualTo(2);
      assertThat(service.send("GET", "/v1/users/me/archive/" + conversation.id(), token).statusCode()).isEqualTo(404);
    }
  }

  /** A conversation claimed as marked deleted, then undeleted before its turn, is skipped, not archived. */
  @Test
  void aConversationNoLongerDueUnderItsLockIsSkipped() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    UserId user = UserId.random();
    Conversation conversation = Conversations.sample(user, 1);
    try (TestService service = TestService.start(sweeping(database.config(), Optional.empty()).withSweep(SweepConfig.off()),
        List.of())) {
      service.app().liveConversations().restore(conversation);
      database.execute("update conversations set deleted_at = now() where id = '" + conversation.id() + "'");
      SweepQueue queue = queue(service, database.config(), Optional.empty());
      ArchiveService archive = service.app().archiveService();
      Instant now = Instant.now();
      DueConversation due = queue.claim(100, now, Duration.ofMinutes(5)).stream()
          .filter(d -> d.id().equals(conversation.id())).findFirst().orElseThrow();
      assertThat(due.reason()).isEqualTo(DueConversation.Reason.MARKED_DELETED);

      database.execute("update conversations set deleted_at = null where id = '" + conversation.id() + "'");

      assertThatThrownBy(() -> archive.archiveIf(user, conversation.id(), current -> queue.stillDue(due, current, now)))
          .isInstanceOf(ArchiveService.NoLongerDue.class);
      assertThat(database.count("select count(*) from conversations where id = '" + conversation.id() + "'")).isEqualTo(1);
      assertThat(service.send("GET", "/v1/users/me/archive/" + conversation.id(), tokens.hs256(tokens.userClaims(user)))
          .statusCode()).isEqualTo(404);
    }
  }

  /**
   * One deleted conversation the service cannot name (LobeChat's text ids allow any) is counted as
   * a failure and skipped; the others are archived and the pass goes on (it used to stop every
   * pass, retention included).
   */
  @Test
  void aRowTheServiceCannotUseIsCountedAndSkipped() throws Exception {
    SupabaseDbConfig db = AppDatabases.fresh(ChatApp.LOBECHAT);
    SupabaseDatabase.runScript(db, "capture");
    UserId user = UserId.random();
    Conversation good = Conversations.sample(user, 1);
    try (TestService service = TestService.start(sweeping(db, Optional.empty()), List.of());
        Connection connection = SupabaseDatabase.pool(db.withPoolSize(1)).getConnection()) {
      ChatApp.LOBECHAT.write(connection, good);
      try (Statement statement = connection.createStatement()) {
        statement.execute("insert into topics (id, title, user_id) values ('tpc bad/1', 'bad', '" + user + "')");
        statement.execute("delete from topics where id = 'tpc bad/1'");
      }
      ChatApp.LOBECHAT.delete(connection, good);

      Polling.await("the good one is archived", () -> service.send("GET", "/v1/users/me/archive/" + good.id(),
          tokens.hs256(tokens.userClaims(user))).statusCode() == 200);
      Polling.await("the bad one is counted", () -> service.send("GET", "/metrics", null).body()
          .contains("sweeper_failures_total 1.0"));
      Thread.sleep(500); // a few more passes: it is not taken again while its claim holds
      assertThat(service.send("GET", "/metrics", null).body()).contains("sweeper_failures_total 1.0");
    }
  }

  /** Retention erases the copy it listed only: one restored and archived again meanwhile stays. */
  @Test
  void retentionErasesOnlyTheCopyItListed() throws Exception {
    AppDatabase database = AppDatabase.create(false);
    UserId user = UserId.random();
    Conversation conversation = Conversations.sample(user, 1);
    try (TestService service = TestService.start(sweeping(database.config(), Optional.empty()).withSweep(SweepConfig.off()),
        List.of())) {
      service.app().liveConversations().restore(conversation);
      ArchiveService archive = service.app().archiveService();
      archive.archive(user, conversation.id());
      ArchiveEntry listed = archive.list(user, PageRequest.first(10)).items().get(0);
      archive.restore(user, conversation.id());
      Thread.sleep(5);
      archive.archive(user, conversation.id());

      assertThat(archive.deleteIfArchivedAt(user, conversation.id(), listed.archivedAt())).isFalse();
      assertThat(archive.list(user, PageRequest.first(10)).items()).hasSize(1);
      Instant current = archive.list(user, PageRequest.first(10)).items().get(0).archivedAt();
      assertThat(archive.deleteIfArchivedAt(user, conversation.id(), current)).isTrue();
    }
  }

  /**
   * Tiering's activity is the newest time of the tree: a chat created a minute ago whose
   * updated_at is NULL (as Chatbot UI creates every chat) is not old; one whose times are all old
   * is.
   */
  @Test
  void aNullTimeIsNeverTakenAsOld() throws Exception {
    SupabaseDbConfig db = AppDatabases.fresh(ChatApp.CHATBOT_UI);
    UserId user = UserId.random();
    Conversation fresh = Conversations.sample(user, 1);
    Conversation old = Conversations.sample(user, 1);
    AppConfig config = sweeping(db, Optional.of(Duration.ofDays(1)));
    try (TestService service = TestService.start(config.withSweep(SweepConfig.off()), List.of());
        Connection connection = SupabaseDatabase.pool(db.withPoolSize(1)).getConnection()) {
      ChatApp.CHATBOT_UI.write(connection, fresh);
      ChatApp.CHATBOT_UI.write(connection, old);
      try (Statement statement = connection.createStatement()) {
        statement.execute("update chats set created_at = now() - interval '1 minute' where id = '" + fresh.id() + "'");
        statement.execute("update messages set created_at = now() - interval '1 minute' where chat_id = '" + fresh.id() + "'");
        // As Chatbot UI creates every chat: updated_at NULL (its update trigger would set it; not here).
        statement.execute("set session_replication_role = replica; update chats set updated_at = null; "
            + "set session_replication_role = origin");
      }
      SweepQueue queue = queue(service, db, Optional.of(Duration.ofDays(1)));

      List<DueConversation> due = queue.claim(100, Clock.systemUTC().instant(), Duration.ofMinutes(5));

      assertThat(due).extracting(DueConversation::id).containsExactly(old.id());
      assertThat(due.get(0).reason()).isEqualTo(DueConversation.Reason.INACTIVE);
    }
  }
}
