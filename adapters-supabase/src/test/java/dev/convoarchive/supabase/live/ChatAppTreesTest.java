package dev.convoarchive.supabase.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.contract.LiveConversationsContract;
import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.supabase.AppDatabases;
import dev.convoarchive.supabase.ChatApp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Three real chat apps' tables (Chatbot UI, Vercel's ai-chatbot, LobeChat): a conversation is
 * archived with every row of its tree and restored row-identical; a row the app inserts during
 * the move is never lost silently; a restore whose outside reference is gone is refused whole.
 */
class ChatAppTreesTest {

  abstract static class OnApp {
    final ChatApp app;
    final DataSource pool;
    final LiveConversations live;

    OnApp(ChatApp app) {
      this.app = app;
      this.pool = AppDatabases.pool(app);
      this.live = PostgresLiveConversations.on(pool, "public", app.tables());
    }

    Conversation written(UserId owner, int messages) throws SQLException {
      Conversation conversation = Conversations.sample(owner, messages);
      try (Connection connection = pool.getConnection()) {
        app.write(connection, conversation);
      }
      return conversation;
    }

    @Test
    void aConversationIsArchivedWithEveryRowOfItsTreeAndRestoredRowIdentical() throws SQLException {
      UserId alice = UserId.random();
      Conversation archived = written(alice, 3);
      written(alice, 2); // another of hers
      written(UserId.random(), 2); // someone else's
      Map<String, List<String>> before = AppDatabases.everyRow(pool);

      Conversation moved = live.moveOut(alice, archived.id(), c -> c).orElseThrow();

      Map<String, List<String>> afterArchive = AppDatabases.everyRow(pool);
      int removed = 0;
      for (Map.Entry<String, List<String>> table : before.entrySet()) {
        assertThat(table.getValue()).as("%s keeps every other row as it was", table.getKey())
            .containsAll(afterArchive.get(table.getKey()));
        removed += table.getValue().size() - afterArchive.get(table.getKey()).size();
      }
      assertThat(removed).as("rows gone = rows archived").isEqualTo(rowCount(moved));
      assertThat(tablesArchived(moved)).as("a row in every table of the tree").isEqualTo(treeSize());
      assertThat(live.find(alice, archived.id())).isEmpty();

      live.restore(moved);

      assertThat(AppDatabases.everyRow(pool)).isEqualTo(before);
      assertThat(live.find(alice, archived.id()).orElseThrow().liveRows()).isEqualTo(moved.liveRows());
    }

    @Test
    void theViewShowsTitleAndMessagesInOrder() throws SQLException {
      Conversation written = written(UserId.random(), 3);
      Conversation shown = live.find(written.owner(), written.id()).orElseThrow();
      assertThat(shown.title()).isEqualTo(written.title());
      assertThat(shown.messages()).extracting(m -> m.id())
          .containsExactlyElementsOf(written.messages().stream().map(m -> m.id()).toList());
      assertThat(shown.messages()).extracting(m -> m.content())
          .containsExactlyElementsOf(written.messages().stream().map(m -> m.content()).toList());
      assertThat(shown.messages()).extracting(m -> m.role())
          .containsExactlyElementsOf(written.messages().stream().map(m -> m.role()).toList());
      assertThat(shown.createdAt()).isEqualTo(written.createdAt());
    }

    /** A row the app inserts while the move holds the tree waits, then fails on its key once the rows are gone. */
    @Test
    void aRowInsertedDuringTheMoveFailsOnItsKeyInsteadOfVanishing() throws Exception {
      Conversation written = written(UserId.random(), 2);
      ExecutorService app = Executors.newSingleThreadExecutor();
      try {
        List<Future<?>> inserting = new ArrayList<>();
        live.moveOut(written.owner(), written.id(), held -> {
          inserting.add(app.submit(() -> {
            try (Connection connection = pool.getConnection()) {
              insertChild(connection, written);
            }
            return null;
          }));
          // Bounded look: the insert must be waiting on the rows the move holds.
          assertThatThrownBy(() -> inserting.get(0).get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
          return held;
        });
        assertThatThrownBy(() -> inserting.get(0).get(30, TimeUnit.SECONDS))
            .hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class)
            .rootCause().hasMessageContaining("foreign key");
      } finally {
        app.shutdownNow();
      }
    }

    /** A restore whose row outside the tree is gone names it, and writes nothing. */
    @Test
    void aRestoreWhoseOutsideReferenceIsGoneIsRefusedWhole() throws SQLException {
      Conversation written = written(UserId.random(), 2);
      Conversation moved = live.moveOut(written.owner(), written.id(), c -> c).orElseThrow();
      String removed = removeOutsideReference(written);
      Map<String, List<String>> before = AppDatabases.everyRow(pool);

      assertThatThrownBy(() -> live.restore(moved)).isInstanceOf(ConflictException.class)
          .hasMessageContaining("is gone").hasMessageContaining(removed).hasMessageContaining("nothing was written");

      assertThat(AppDatabases.everyRow(pool)).isEqualTo(before);
    }

    /** Inserts a row that references a row of the conversation's tree. */
    abstract void insertChild(Connection connection, Conversation conversation) throws SQLException;

    /** Deletes a row outside the tree that the conversation's rows reference; returns its table's name. */
    abstract String removeOutsideReference(Conversation conversation) throws SQLException;

    abstract int treeSize();

    static int rowCount(Conversation moved) {
      return tables(moved).stream().mapToInt(t -> ((List<?>) t.get("rows")).size()).sum();
    }

    static int tablesArchived(Conversation moved) {
      return tables(moved).size();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> tables(Conversation moved) {
      return (List<Map<String, Object>>) moved.liveRows().get("tables");
    }

    void run(String sql, Object... values) throws SQLException {
      try (Connection connection = pool.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < values.length; i++) {
          statement.setObject(i + 1, values[i]);
        }
        statement.executeUpdate();
      }
    }
  }

  @Nested
  class ChatbotUi extends OnApp {
    ChatbotUi() {
      super(ChatApp.CHATBOT_UI);
    }

    @Override
    void insertChild(Connection connection, Conversation c) throws SQLException {
      try (PreparedStatement insert = connection.prepareStatement("insert into messages (chat_id, user_id, content, "
          + "image_paths, model, role, sequence_number) values (?::uuid, ?::uuid, 'late', '{}', 'm', 'user', 9)")) {
        insert.setString(1, c.id().value());
        insert.setString(2, c.owner().toString());
        insert.executeUpdate();
      }
    }

    @Override
    String removeOutsideReference(Conversation c) throws SQLException {
      run("delete from files where user_id = ?::uuid", c.owner().toString());
      return "files";
    }

    @Override
    int treeSize() {
      return 4; // chats, chat_files, messages, message_file_items
    }

    /** An archive written before rows were kept (the app's other columns as extraColumns) is restored through the mapping. */
    @Test
    void aConversationArchivedBeforeRowsWereKeptIsRestoredThroughTheMapping() throws SQLException {
      Conversation written = written(UserId.random(), 2);
      String workspace;
      try (Connection connection = pool.getConnection(); java.sql.ResultSet row = connection.createStatement()
          .executeQuery("select workspace_id from chats where id = '" + written.id() + "'")) {
        row.next();
        workspace = row.getString(1);
      }
      live.moveOut(written.owner(), written.id(), c -> c).orElseThrow();
      Map<String, Object> chat = new java.util.LinkedHashMap<>();
      chat.put("workspace_id", workspace);
      chat.put("context_length", 4096);
      chat.put("embeddings_provider", "openai");
      chat.put("include_profile_context", true);
      chat.put("include_workspace_instructions", true);
      chat.put("model", "gpt-4-turbo");
      chat.put("prompt", "You are a friendly assistant.");
      chat.put("temperature", new java.math.BigDecimal("0.7"));
      chat.put("updated_at", null);
      List<dev.convoarchive.domain.model.Message> messages = new ArrayList<>();
      int sequence = 0;
      for (dev.convoarchive.domain.model.Message m : written.messages()) {
        messages.add(new dev.convoarchive.domain.model.Message(m.id(), m.role(), m.content(), m.createdAt(), Map.of(),
            Map.of("user_id", written.owner().toString(), "image_paths", List.of(), "model", "gpt-4-turbo",
                "sequence_number", sequence++)));
      }
      Conversation older = new Conversation(written.id(), written.owner(), written.title(), written.createdAt(),
          written.createdAt(), messages, chat);

      live.restore(older);

      Conversation back = live.find(written.owner(), written.id()).orElseThrow();
      assertThat(back.title()).isEqualTo(written.title());
      assertThat(back.messages()).extracting(m -> m.content())
          .containsExactlyElementsOf(written.messages().stream().map(m -> m.content()).toList());
      assertThat(back.liveRows().toString()).contains("workspace_id=" + workspace).contains("updated_at=null");
    }
  }

  @Nested
  class AiChatbot extends OnApp {
    AiChatbot() {
      super(ChatApp.AI_CHATBOT);
    }

    @Override
    void insertChild(Connection connection, Conversation c) throws SQLException {
      try (PreparedStatement insert = connection.prepareStatement("insert into \"Vote_v2\" (\"chatId\", \"messageId\", "
          + "\"isUpvoted\") values (?::uuid, ?::uuid, false)")) {
        insert.setString(1, c.id().value());
        insert.setString(2, c.messages().get(1).id());
        insert.executeUpdate();
      }
    }

    @Override
    String removeOutsideReference(Conversation c) throws SQLException {
      run("delete from \"User\" where id = ?::uuid", c.owner().toString());
      return "User";
    }

    @Override
    int treeSize() {
      return 4; // Chat, Message_v2, Vote_v2, Stream (the deprecated Message and Vote have no rows)
    }
  }

  @Nested
  class LobeChat extends OnApp {
    LobeChat() {
      super(ChatApp.LOBECHAT);
    }

    @Override
    void insertChild(Connection connection, Conversation c) throws SQLException {
      try (PreparedStatement insert = connection.prepareStatement("insert into message_translates (id, content, \"from\", "
          + "\"to\", user_id) values (?, 'late', 'en', 'fr', ?)")) {
        insert.setString(1, c.messages().get(1).id());
        insert.setString(2, c.owner().toString());
        insert.executeUpdate();
      }
    }

    @Override
    String removeOutsideReference(Conversation c) throws SQLException {
      run("delete from documents where user_id = ?", c.owner().toString());
      return "documents";
    }

    @Override
    int treeSize() {
      return 11; // topics, threads, topic_documents, messages and its seven tables
    }
  }

  /** The live-store contract on each app's tables, conversations written as the app writes them. */
  abstract static class ContractOnApp extends LiveConversationsContract {
    private final ChatApp app;

    ContractOnApp(ChatApp app) {
      this.app = app;
    }

    @Override
    protected LiveConversations createLive() {
      return PostgresLiveConversations.on(AppDatabases.pool(app), "public", app.tables());
    }

    @Override
    protected Conversation seed(Conversation conversation) {
      try (Connection connection = AppDatabases.pool(app).getConnection()) {
        app.write(connection, conversation);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return live.find(conversation.owner(), conversation.id()).orElseThrow().withoutLiveRows();
    }

    @Override
    protected String unsupported(String testName) {
      return testName.equals("restoredConversationIsFoundWithEveryField")
          ? "the app's tables need values a bare conversation does not carry (a workspace, a model); its conversations "
              + "are written as the app writes them (seed), and row identity is ChatAppTreesTest's"
          : null;
    }
  }

  @Nested
  class ChatbotUiContract extends ContractOnApp {
    ChatbotUiContract() {
      super(ChatApp.CHATBOT_UI);
    }
  }

  @Nested
  class AiChatbotContract extends ContractOnApp {
    AiChatbotContract() {
      super(ChatApp.AI_CHATBOT);
    }
  }

  @Nested
  class LobeChatContract extends ContractOnApp {
    LobeChatContract() {
      super(ChatApp.LOBECHAT);
    }
  }
}
