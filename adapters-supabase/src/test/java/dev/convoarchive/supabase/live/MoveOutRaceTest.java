package dev.convoarchive.supabase.live;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.supabase.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat app keeps writing messages while conversations are moved out, one at a time or a
 * group at a time. Every insert that reported success must be in the copy the archive step
 * received; the others must have failed visibly. A message that was acknowledged and then
 * vanished is a lost message.
 */
class MoveOutRaceTest {

  private static final int CONVERSATIONS = 40;
  private static final int WRITERS = 4;
  private static final int MOVERS = 4;

  record Insert(String messageId, String conversationId, boolean succeeded) {}

  /** How the movers move: each conversation alone, or groups of {@link #GROUP} together. */
  enum Moves { ALONE, TOGETHER }

  private static final int GROUP = 5;

  static Stream<Arguments> cases() {
    return Stream.of(IdType.values()).flatMap(idType -> Stream.of(Moves.values()).map(moves -> Arguments.of(idType, moves)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void noAcknowledgedMessageIsLostWhileConversationsAreMovedOut(IdType idType, Moves moves) throws Exception {
    DataSource pool = TestDatabase.pool(idType);
    LiveConversations live = PostgresLiveConversations.on(pool, TestDatabase.schema(idType));
    UserId owner = UserId.random();
    List<Conversation> conversations = new ArrayList<>();
    for (int i = 0; i < CONVERSATIONS; i++) {
      Conversation c = Conversations.sample(owner, 2);
      live.restore(c);
      conversations.add(c);
    }

    Map<String, Conversation> handedOver = new ConcurrentHashMap<>();
    List<Insert> inserts = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean moving = new AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger largestGroup = new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool4 = Executors.newFixedThreadPool(WRITERS + MOVERS);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        writers.add(pool4.submit(() -> {
          // Keep writing a little after the last move so that late inserts are exercised too.
          long stopAt = Long.MAX_VALUE;
          while (System.nanoTime() < stopAt) {
            if (!moving.get() && stopAt == Long.MAX_VALUE) {
              stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            }
            Conversation target = conversations.get(ThreadLocalRandom.current().nextInt(CONVERSATIONS));
            inserts.add(insertMessage(pool, target.id().value()));
          }
          return null;
        }));
      }
      List<Future<?>> movers = new ArrayList<>();
      for (int m = 0; m < MOVERS; m++) {
        int first = m;
        movers.add(pool4.submit(() -> {
          List<Conversation> mine = new ArrayList<>();
          for (int i = first; i < CONVERSATIONS; i += MOVERS) {
            mine.add(conversations.get(i));
          }
          if (moves == Moves.ALONE) {
            for (Conversation c : mine) {
              live.moveOut(owner, c.id(), copy -> {
                pause(5); // an archive write takes time; inserts pile up behind the row lock meanwhile
                handedOver.put(copy.id().value(), copy);
                return true;
              });
              pause(2);
            }
            return null;
          }
          for (int from = 0; from < mine.size(); from += GROUP) {
            List<ConversationRef> group = mine.subList(from, Math.min(mine.size(), from + GROUP)).stream()
                .map(ConversationRef::of).toList();
            List<ConversationRef> notHeld = live.moveOutTogether(group, copies -> {
              largestGroup.accumulateAndGet(copies.size(), Math::max);
              pause(5);
              copies.forEach(copy -> handedOver.put(copy.id().value(), copy));
              return copies.stream().map(ConversationRef::of).collect(Collectors.toSet());
            });
            assertThat(notHeld).as("every conversation of the group was live").isEmpty();
            pause(2);
          }
          return null;
        }));
      }
      for (Future<?> mover : movers) {
        mover.get(2, TimeUnit.MINUTES);
      }
      moving.set(false);
      for (Future<?> writer : writers) {
        writer.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool4.shutdownNow();
    }

    assertThat(handedOver).hasSize(CONVERSATIONS);
    if (moves == Moves.TOGETHER) {
      assertThat(largestGroup).as("conversations held and handed over in one step").hasValue(GROUP);
    }
    Set<String> archivedMessageIds = handedOver.values().stream()
        .flatMap(c -> c.messages().stream()).map(Message::id).collect(Collectors.toSet());
    List<Insert> acknowledged = inserts.stream().filter(Insert::succeeded).toList();
    long lost = acknowledged.stream().filter(i -> !archivedMessageIds.contains(i.messageId())).count();

    assertThat(lost).as("acknowledged messages that are in no archived copy").isZero();
    assertThat(acknowledged).as("inserts that landed before their conversation moved").isNotEmpty();
    assertThat(inserts).filteredOn(i -> !i.succeeded()).as("inserts refused after their conversation moved").isNotEmpty();
    for (Conversation c : conversations) {
      assertThat(live.find(owner, c.id())).isEmpty();
    }
  }

  /**
   * A group stores what it read without holding the app's rows, so the app's insert lands at
   * once; the group then holds the rows, sees the change, and hands that conversation over again
   * with the new message, before it deletes anything.
   */
  @ParameterizedTest
  @EnumSource(IdType.class)
  void aMessageWrittenWhileTheGroupStoresIsHandedOverAgainAndArchived(IdType idType) {
    DataSource pool = TestDatabase.pool(idType);
    LiveConversations live = PostgresLiveConversations.on(pool, TestDatabase.schema(idType));
    UserId owner = UserId.random();
    List<Conversation> group = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Conversation c = Conversations.sample(owner, 2);
      live.restore(c);
      group.add(c);
    }
    Conversation written = group.get(1);
    List<List<Conversation>> handed = new ArrayList<>();
    List<Insert> inserts = new ArrayList<>();

    List<ConversationRef> notHeld = live.moveOutTogether(group.stream().map(ConversationRef::of).toList(), copies -> {
      handed.add(copies);
      if (handed.size() == 1) {
        inserts.add(insertMessage(pool, written.id().value())); // the app, while the objects are written
      }
      return copies.stream().map(ConversationRef::of).collect(Collectors.toSet());
    });

    assertThat(notHeld).isEmpty();
    assertThat(inserts).singleElement().extracting(Insert::succeeded).isEqualTo(true);
    assertThat(handed).hasSize(2);
    assertThat(handed.get(0)).hasSize(3);
    assertThat(handed.get(1)).singleElement().satisfies(again -> {
      assertThat(again.id()).isEqualTo(written.id());
      assertThat(again.messages()).extracting(Message::id).contains(inserts.get(0).messageId()).hasSize(3);
    });
    for (Conversation c : group) {
      assertThat(live.find(owner, c.id())).isEmpty();
    }
  }

  /** What the chat app does: one autocommitted insert. */
  private static Insert insertMessage(DataSource pool, String conversationId) {
    String messageId = UUID.randomUUID().toString();
    try (Connection connection = pool.getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "insert into messages (id, conversation_id, role, content, created_at) values (?, ?, 'user', 'racing', ?)")) {
      insert.setObject(1, messageId, Types.OTHER);
      insert.setObject(2, conversationId, Types.OTHER);
      insert.setObject(3, T0.plusSeconds(60).atOffset(ZoneOffset.UTC));
      insert.executeUpdate();
      return new Insert(messageId, conversationId, true);
    } catch (SQLException e) {
      return new Insert(messageId, conversationId, false);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
