package dev.convoarchive.supabase.live;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.supabase.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class IsolationAndHostileInputTest {

  private final DataSource textPool = TestDatabase.pool(IdType.TEXT);
  private final LiveConversations textLive = PostgresLiveConversations.on(textPool, TestDatabase.schema(IdType.TEXT));
  private final DataSource uuidPool = TestDatabase.pool(IdType.UUID);
  private final LiveConversations uuidLive = PostgresLiveConversations.on(uuidPool, TestDatabase.schema(IdType.UUID));

  @Test
  void hostileTextIsStoredAsDataNotRunAsSql() throws SQLException {
    long before = count(textPool, "live_text", "conversations");
    String hostile = "x'); delete from conversations; --";
    Conversation c = new Conversation(ConversationId.of("robert-tables_1"), UserId.random(), hostile, T0, T0,
        List.of(new Message(hostile, Role.USER, hostile + "\" \\ $$ ;", T0, java.util.Map.of(hostile, hostile))));

    textLive.restore(c);

    assertThat(textLive.find(c.owner(), c.id()).map(Conversation::withoutLiveRows)).contains(c);
    assertThat(count(textPool, "live_text", "conversations")).isEqualTo(before + 1);
    assertThat(textLive.moveOut(c.owner(), c.id(), Conversation::withoutLiveRows)).contains(c);
  }

  @Test
  void idsThatCannotBeUuidsAreNotFoundRatherThanSqlErrors() {
    UserId owner = UserId.random();
    AtomicInteger steps = new AtomicInteger();
    ConversationId notUuid = ConversationId.of("not-a-uuid");

    assertThat(uuidLive.find(owner, notUuid)).isEmpty();
    assertThat(uuidLive.moveOut(owner, notUuid, c -> steps.incrementAndGet())).isEmpty();
    assertThat(steps).hasValue(0);
    assertThatThrownBy(() -> uuidLive.restore(new Conversation(notUuid, owner, "t", T0, T0, List.of())))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("uuid");
    Conversation badMessageId = new Conversation(Conversations.newId(), owner, "t", T0, T0,
        List.of(new Message("m-1", Role.USER, "x", T0)));
    assertThatThrownBy(() -> uuidLive.restore(badMessageId)).isInstanceOf(InvalidInputException.class);
    assertThat(uuidLive.find(owner, badMessageId.id())).as("nothing half-written").isEmpty();
  }

  @Test
  void anotherUsersIdNeverReachesTheirRows() throws SQLException {
    Conversation alices = Conversations.sample(UserId.random(), 3);
    uuidLive.restore(alices);
    UserId mallory = UserId.random();
    long messagesBefore = count(uuidPool, "live_uuid", "messages");

    assertThat(uuidLive.find(mallory, alices.id())).isEmpty();
    assertThat(uuidLive.moveOut(mallory, alices.id(), c -> c)).isEmpty();

    assertThat(uuidLive.find(alices.owner(), alices.id()).map(Conversation::withoutLiveRows)).contains(alices);
    assertThat(count(uuidPool, "live_uuid", "messages")).isEqualTo(messagesBefore);
  }

  @Test
  void aFailedArchiveStepLeavesEveryRowAsItWas() throws SQLException {
    Conversation c = Conversations.sample(UserId.random(), 6);
    uuidLive.restore(c);
    long messagesBefore = count(uuidPool, "live_uuid", "messages");

    assertThatThrownBy(() -> uuidLive.moveOut(c.owner(), c.id(), x -> {
      throw new IllegalStateException("S3 is down");
    })).hasMessage("S3 is down");

    assertThat(count(uuidPool, "live_uuid", "messages")).isEqualTo(messagesBefore);
    assertThat(uuidLive.find(c.owner(), c.id()).map(Conversation::withoutLiveRows)).contains(c);
  }

  private static long count(DataSource pool, String schema, String table) throws SQLException {
    try (Connection connection = pool.getConnection();
        ResultSet rows = connection.createStatement().executeQuery("select count(*) from " + schema + "." + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
