package dev.convoarchive.supabase;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.live.LiveTables.Part;
import dev.convoarchive.supabase.live.LiveTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Real chat apps' tables (transcribed from their migrations, see the fixtures' headers under
 * {@code apps/}), the settings that point convo-archive at them, and how each app writes a
 * conversation: its row and rows in every table its tree has, as the app's own code would.
 */
public enum ChatApp {

  /** Chatbot UI: {@code chats} -> {@code messages} -> {@code message_file_items}, and {@code chat_files}. */
  CHATBOT_UI("chatbot-ui", Map.of(Part.CONVERSATIONS_TABLE, "chats", Part.CONVERSATIONS_TITLE, "name",
      Part.MESSAGES_METADATA, "none")),

  /** Vercel's ai-chatbot: {@code "Chat"} -> {@code "Message_v2"} -> {@code "Vote_v2"}, {@code "Stream"}; NO ACTION keys. */
  AI_CHATBOT("ai-chatbot", Map.of(Part.CONVERSATIONS_TABLE, "Chat", Part.CONVERSATIONS_USER_ID, "userId",
      Part.CONVERSATIONS_CREATED_AT, "createdAt", Part.CONVERSATIONS_UPDATED_AT, "none", Part.MESSAGES_TABLE, "Message_v2",
      Part.MESSAGES_CONTENT, "parts", Part.MESSAGES_METADATA, "attachments", Part.MESSAGES_CREATED_AT, "createdAt")),

  /** LobeChat: {@code topics} -> {@code threads}, {@code messages} -> six {@code message_*} tables; text ids. */
  LOBECHAT("lobechat", Map.of(Part.CONVERSATIONS_TABLE, "topics"));

  private final String fixture;
  private final Map<Part, String> names;

  ChatApp(String fixture, Map<Part, String> names) {
    this.fixture = fixture;
    this.names = names;
  }

  /** The settings that point convo-archive at this app's tables. */
  public LiveTables tables() {
    return new LiveTables(new EnumMap<>(names.isEmpty() ? Map.of() : names)).withAccountTable(accountTable());
  }

  /** The table whose row goes when a user's account is removed. */
  public LiveTables.AccountTable accountTable() {
    return switch (this) {
      case CHATBOT_UI -> LiveTables.AccountTable.DEFAULT;
      case AI_CHATBOT -> new LiveTables.AccountTable("public", "User", "id");
      case LOBECHAT -> new LiveTables.AccountTable("public", "users", "id");
    };
  }

  /** The LIVE_* settings (and ACCOUNT_TABLE) as environment variables. */
  public Map<String, String> settings() {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    names.forEach((part, name) -> settings.put(part.setting(), name));
    settings.put(LiveTables.ACCOUNT_TABLE_SETTING, accountTable().toString());
    return settings;
  }

  /**
   * Deletes a conversation as the app's own code does: Chatbot UI through supabase-js, as the
   * {@code authenticated} role under row-level security, one statement (the rest by cascade);
   * ai-chatbot's {@code deleteChatById}, its four statements in its order, each its own
   * transaction, as the tables' owner; LobeChat's topic delete (messages by cascade).
   */
  public void delete(Connection connection, Conversation conversation) throws SQLException {
    String id = conversation.id().value();
    String owner = conversation.owner().toString();
    switch (this) {
      case CHATBOT_UI -> {
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
          run(connection, "set local role authenticated");
          run(connection, "select set_config('request.jwt.claim.sub', ?, true)", owner);
          run(connection, "delete from chats where id = ?::uuid", id);
          connection.commit();
        } finally {
          connection.setAutoCommit(auto);
        }
      }
      case AI_CHATBOT -> {
        run(connection, "delete from \"Vote_v2\" where \"chatId\" = ?::uuid", id);
        run(connection, "delete from \"Message_v2\" where \"chatId\" = ?::uuid", id);
        run(connection, "delete from \"Stream\" where \"chatId\" = ?::uuid", id);
        run(connection, "delete from \"Chat\" where id = ?::uuid", id);
      }
      case LOBECHAT -> run(connection, "delete from topics where id = ? and user_id = ?", id, owner);
      default -> throw new IllegalStateException();
    }
  }

  /** Deletes a message alone (an edit or a regeneration), as the app does. */
  public void deleteMessage(Connection connection, Conversation conversation, String messageId) throws SQLException {
    switch (this) {
      case CHATBOT_UI -> run(connection, "delete from messages where id = ?::uuid", messageId);
      case AI_CHATBOT -> {
        run(connection, "delete from \"Vote_v2\" where \"messageId\" = ?::uuid", messageId);
        run(connection, "delete from \"Message_v2\" where id = ?::uuid", messageId);
      }
      case LOBECHAT -> run(connection, "delete from messages where id = ?", messageId);
      default -> throw new IllegalStateException();
    }
  }

  /**
   * Removes a user's account as the app (or Supabase Auth) does: the account row, its
   * conversations going by cascade, or (ai-chatbot, whose keys are NO ACTION) deleted first.
   */
  public void deleteAccount(Connection connection, UserId owner, java.util.List<Conversation> conversations)
      throws SQLException {
    switch (this) {
      case CHATBOT_UI -> run(connection, "delete from auth.users where id = ?::uuid", owner.toString());
      case AI_CHATBOT -> {
        for (Conversation conversation : conversations) {
          delete(connection, conversation);
        }
        run(connection, "delete from \"User\" where id = ?::uuid", owner.toString());
      }
      case LOBECHAT -> run(connection, "delete from users where id = ?", owner.toString());
      default -> throw new IllegalStateException();
    }
  }

  /** The app's tables, to run on an empty database. */
  public String ddl() {
    try (InputStream in = ChatApp.class.getResourceAsStream("apps/" + fixture + ".sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The conversation table's name, quoted. */
  public String conversationTable() {
    return Sql.quote(tables().name(Part.CONVERSATIONS_TABLE).orElseThrow());
  }

  /**
   * Writes {@code conversation} as the app would, with a row in every table of its tree: the
   * conversation's, one per message, and the app's other rows (files, votes, plugins ...) for its
   * first message. Rows it references outside the tree (the user, a workspace, a file) are made
   * too. Content longer than the app allows is cut to its limit.
   */
  public void write(Connection connection, Conversation conversation) throws SQLException {
    String owner = conversation.owner().toString();
    String id = conversation.id().value();
    switch (this) {
      case CHATBOT_UI -> {
        run(connection, "insert into auth.users (id) values (?::uuid) on conflict do nothing", owner);
        String workspace = UUID.randomUUID().toString();
        run(connection, "insert into workspaces (id, user_id, default_context_length, default_model, default_prompt, "
            + "default_temperature, description, embeddings_provider, include_profile_context, "
            + "include_workspace_instructions, instructions, name) values (?::uuid, ?::uuid, 4096, 'gpt-4-turbo', "
            + "'You are a friendly assistant.', 0.5, 'My home workspace.', 'openai', true, true, '', 'Home')",
            workspace, owner);
        String file = UUID.randomUUID().toString();
        run(connection, "insert into files (id, user_id, description, file_path, name, size, tokens, type) values "
            + "(?::uuid, ?::uuid, 'notes', ?, 'notes.pdf', 2048, 512, 'application/pdf')", file, owner, owner + "/notes.pdf");
        String fileItem = UUID.randomUUID().toString();
        run(connection, "insert into file_items (id, file_id, user_id, content, tokens) values (?::uuid, ?::uuid, ?::uuid, "
            + "'page one', 3)", fileItem, file, owner);
        run(connection, "insert into chats (id, user_id, workspace_id, created_at, updated_at, context_length, "
            + "embeddings_provider, include_profile_context, include_workspace_instructions, model, name, prompt, "
            + "temperature) values (?::uuid, ?::uuid, ?::uuid, ?, null, 4096, 'openai', true, true, 'gpt-4-turbo', ?, "
            + "'You are a friendly assistant.', 0.7)", id, owner, workspace, time(conversation.createdAt()),
            conversation.title());
        run(connection, "insert into chat_files (user_id, chat_id, file_id) values (?::uuid, ?::uuid, ?::uuid)", owner, id,
            file);
        int sequence = 0;
        for (Message message : conversation.messages()) {
          run(connection, "insert into messages (id, chat_id, user_id, created_at, content, image_paths, model, role, "
              + "sequence_number) values (?::uuid, ?::uuid, ?::uuid, ?, ?, array[?], 'gpt-4-turbo', ?, " + sequence++ + ")",
              message.id(), id, owner, time(message.createdAt()), cut(message.content(), 1_000_000),
              owner + "/" + message.id() + ".png", message.role().wireName());
        }
        if (!conversation.messages().isEmpty()) {
          run(connection, "insert into message_file_items (user_id, message_id, file_item_id) values (?::uuid, ?::uuid, "
              + "?::uuid)", owner, conversation.messages().get(0).id(), fileItem);
        }
      }
      case AI_CHATBOT -> {
        run(connection, "insert into \"User\" (id, email) values (?::uuid, ?) on conflict do nothing", owner,
            owner.substring(0, 8) + "@example.com");
        run(connection, "insert into \"Chat\" (id, \"createdAt\", \"userId\", title, visibility) values (?::uuid, ?, ?::uuid, "
            + "?, 'private')", id, utc(conversation.createdAt()), owner, conversation.title());
        for (Message message : conversation.messages()) {
          String parts = "[{\"type\":\"text\",\"text\":" + jsonString(message.content()) + "}]";
          run(connection, "insert into \"Message_v2\" (id, \"chatId\", role, parts, attachments, \"createdAt\") values "
              + "(?::uuid, ?::uuid, ?, ?::json, '[]'::json, ?)", message.id(), id, message.role().wireName(), parts,
              utc(message.createdAt()));
        }
        if (!conversation.messages().isEmpty()) {
          run(connection, "insert into \"Vote_v2\" (\"chatId\", \"messageId\", \"isUpvoted\") values (?::uuid, ?::uuid, true)",
              id, conversation.messages().get(0).id());
        }
        run(connection, "insert into \"Stream\" (id, \"chatId\", \"createdAt\") values (gen_random_uuid(), ?::uuid, ?)", id,
            utc(conversation.createdAt()));
      }
      case LOBECHAT -> {
        run(connection, "insert into users (id, username) values (?, ?) on conflict do nothing", owner, "u-" + owner);
        String session = "ssn_" + UUID.randomUUID().toString().substring(0, 12);
        run(connection, "insert into sessions (id, slug, title, user_id) values (?, ?, 'Just chat', ?)", session, session,
            owner);
        String file = "file_" + UUID.randomUUID().toString().substring(0, 12);
        run(connection, "insert into files (id, user_id, file_type, name, size, url) values (?, ?, 'image/png', 'cat.png', "
            + "1024, 'files/cat.png')", file, owner);
        String document = "docs_" + UUID.randomUUID().toString().substring(0, 12);
        run(connection, "insert into documents (id, title, content, user_id) values (?, 'Notes', 'some notes', ?)", document,
            owner);
        String chunk = UUID.randomUUID().toString();
        run(connection, "insert into chunks (id, text, user_id) values (?::uuid, 'a chunk', ?)", chunk, owner);
        run(connection, "insert into topics (id, title, session_id, user_id, metadata, created_at, updated_at) values "
            + "(?, ?, ?, ?, '{\"model\":\"gpt-4o\"}'::jsonb, ?, ?)", id, conversation.title(), session, owner,
            time(conversation.createdAt()), time(conversation.updatedAt()));
        run(connection, "insert into topic_documents (document_id, topic_id, user_id) values (?, ?, ?)", document, id, owner);
        String thread = null;
        String previous = null;
        for (Message message : conversation.messages()) {
          run(connection, "insert into messages (id, role, content, metadata, user_id, session_id, topic_id, thread_id, "
              + "parent_id, created_at, updated_at) values (?, ?, ?, '{\"usage\":{\"totalTokens\":12}}'::jsonb, ?, ?, ?, ?, "
              + "?, ?, ?)", message.id(), message.role().wireName(), message.content(), owner, session, id, thread,
              previous, time(message.createdAt()), time(message.createdAt()));
          if (thread == null) {
            thread = "thd_" + UUID.randomUUID().toString().substring(0, 12);
            run(connection, "insert into threads (id, title, type, topic_id, source_message_id, user_id) values "
                + "(?, 'A branch', 'continuation', ?, ?, ?)", thread, id, message.id(), owner);
          }
          previous = message.id();
        }
        if (!conversation.messages().isEmpty()) {
          String first = conversation.messages().get(0).id();
          run(connection, "insert into message_plugins (id, tool_call_id, api_name, arguments, identifier, state, user_id) "
              + "values (?, 'call_1', 'search', '{\"q\":\"cats\"}', 'web-search', '{\"done\":true}'::jsonb, ?)", first, owner);
          run(connection, "insert into message_tts (id, content_md5, file_id, voice, user_id) values (?, 'abc', ?, 'alloy', ?)",
              first, file, owner);
          run(connection, "insert into message_translates (id, content, \"from\", \"to\", user_id) values (?, 'hola', 'en', "
              + "'es', ?)", first, owner);
          run(connection, "insert into messages_files (file_id, message_id, user_id) values (?, ?, ?)", file, first, owner);
          String query = UUID.randomUUID().toString();
          run(connection, "insert into message_queries (id, message_id, rewrite_query, user_query, user_id) values "
              + "(?::uuid, ?, 'cats?', 'cats', ?)", query, first, owner);
          run(connection, "insert into message_query_chunks (id, query_id, chunk_id, similarity, user_id) values "
              + "(?, ?::uuid, ?::uuid, 0.87654, ?)", first, query, chunk, owner);
          run(connection, "insert into message_chunks (message_id, chunk_id, user_id) values (?, ?::uuid, ?)", first, chunk,
              owner);
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private static void run(Connection connection, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      statement.execute();
    }
  }

  private static java.time.OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static java.time.LocalDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC).toLocalDateTime();
  }

  private static String cut(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit);
  }

  private static String jsonString(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
