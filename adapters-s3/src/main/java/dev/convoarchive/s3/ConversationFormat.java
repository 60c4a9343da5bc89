package dev.convoarchive.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How an archived conversation is stored. Format 2, written now, is the API's representation
 * (openapi.json's ArchivedConversation, byte for byte), so that reads pass the stored bytes
 * through. Format 1 nested the conversation under {@code "conversation"}; it is still read.
 */
final class ConversationFormat {

  /** The bytes every format-2 document starts with (its first field is the id). */
  private static final byte[] DOCUMENT_START = "{\"id\":".getBytes(StandardCharsets.US_ASCII);

  private ConversationFormat() {}

  /** Format 2; field order is the API's. */
  record Document(ConversationId id, UserId userId, String title, Instant createdAt, Instant updatedAt,
      Instant archivedAt, int formatVersion, List<MessageDocument> messages,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extraColumns,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> rows) {

    static Document of(ArchivedConversation archived) {
      Conversation c = archived.conversation();
      return new Document(c.id(), c.owner(), c.title(), c.createdAt(), c.updatedAt(), archived.archivedAt(),
          ArchivedConversation.CURRENT_FORMAT_VERSION, c.messages().stream().map(MessageDocument::of).toList(),
          c.extraColumns(), c.liveRows());
    }

    ArchivedConversation toArchived() {
      List<Message> read = messages == null ? List.of() : messages.stream().map(MessageDocument::toMessage).toList();
      return new ArchivedConversation(new Conversation(id, userId, title, createdAt, updatedAt, read, extraColumns, rows),
          archivedAt, formatVersion);
    }
  }

  /** A message in format 2: metadata always present ({} when none), as the API shows it. */
  record MessageDocument(String id, Role role, String content, Instant createdAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> metadata,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extraColumns) {

    static MessageDocument of(Message m) {
      return new MessageDocument(m.id(), m.role(), m.content(), m.createdAt(), m.metadata(), m.extraColumns());
    }

    Message toMessage() {
      return new Message(id, role, content, createdAt, metadata, extraColumns);
    }
  }

  /** Format 1. */
  record Nested(Conversation conversation, Instant archivedAt, int formatVersion) {}

  /** True when {@code plainHead}, the first bytes of an uncompressed stored object, open a format-2 document. */
  static boolean isDocument(byte[] plainHead) {
    if (plainHead.length < DOCUMENT_START.length) {
      return false;
    }
    for (int i = 0; i < DOCUMENT_START.length; i++) {
      if (plainHead[i] != DOCUMENT_START[i]) {
        return false;
      }
    }
    return true;
  }

  /** Writes archived conversations as format 2 and reads both formats. */
  static void register(SimpleModule module) {
    module.addSerializer(ArchivedConversation.class, new JsonSerializer<>() {
      @Override
      public void serialize(ArchivedConversation value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        serializers.defaultSerializeValue(Document.of(value), gen);
      }
    });
    module.addDeserializer(ArchivedConversation.class, new JsonDeserializer<>() {
      @Override
      public ArchivedConversation deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode node = p.readValueAsTree();
        if (node != null && node.has("conversation")) {
          Nested nested = ctxt.readTreeAsValue(node, Nested.class);
          return new ArchivedConversation(nested.conversation(), nested.archivedAt(), nested.formatVersion());
        }
        return ctxt.readTreeAsValue(node, Document.class).toArchived();
      }
    });
  }
}
