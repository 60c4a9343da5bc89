package dev.convoarchive.s3;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.s3.cas.VersionedObject.Change;
import dev.convoarchive.s3.cas.VersionedObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The single-file layout's per-user file:
 *
 * <pre>{"formatVersion":1,
 *  "entries":[ArchiveEntry...],
 *  "conversations":[{"id":"...","archived":{ArchivedConversation}}...]}</pre>
 *
 * Entries come first so that a listing can stop reading there; each conversation starts with its
 * id so that a reader looking for one can skip the others without building them.
 */
final class UserFile {

  static final int FORMAT_VERSION = 1;

  static final VersionedObject.Codec<UserFile> CODEC = new VersionedObject.Codec<>() {
    @Override
    public UserFile empty() {
      return new UserFile();
    }

    @Override
    public UserFile decode(InputStream stored) throws IOException {
      return read(stored);
    }

    @Override
    public byte[] encode(UserFile file, boolean gzip) {
      return file.write(gzip);
    }
  };

  private final Map<ConversationId, ArchiveEntry> entries = new LinkedHashMap<>();
  private final Map<ConversationId, JsonNode> conversations = new LinkedHashMap<>();

  /** Adds the conversation unless its id is there already (then the result is the existing entry). */
  Change<StoreResult> add(ArchivedConversation archived) {
    ArchiveEntry existing = entries.get(archived.id());
    if (existing != null && conversations.containsKey(archived.id())) {
      return Change.unchanged(new StoreResult(existing, false));
    }
    JsonNode node = ArchiveJson.MAPPER.valueToTree(archived);
    ArchiveEntry entry = ArchiveEntry.of(archived, sizeOf(node));
    entries.put(entry.id(), entry);
    conversations.put(entry.id(), node);
    return Change.changed(new StoreResult(entry, true));
  }

  Change<Boolean> remove(ConversationId id) {
    boolean removed = conversations.remove(id) != null;
    removed |= entries.remove(id) != null;
    return Change.dirtyIf(removed, removed);
  }

  Change<Integer> removeAll() {
    int count = conversations.size();
    boolean dirty = count > 0 || !entries.isEmpty();
    conversations.clear();
    entries.clear();
    return Change.dirtyIf(dirty, count);
  }

  /** Recomputes the entries from the conversations, which are the truth; the result is the count. */
  Change<Integer> rebuildEntries() {
    Map<ConversationId, ArchiveEntry> rebuilt = new LinkedHashMap<>();
    for (Map.Entry<ConversationId, JsonNode> c : conversations.entrySet()) {
      ArchivedConversation archived = ArchiveJson.MAPPER.convertValue(c.getValue(), ArchivedConversation.class);
      rebuilt.put(c.getKey(), ArchiveEntry.of(archived, sizeOf(c.getValue())));
    }
    boolean dirty = !rebuilt.equals(entries);
    entries.clear();
    entries.putAll(rebuilt);
    return Change.dirtyIf(dirty, entries.size());
  }

  private static long sizeOf(JsonNode node) {
    try {
      return ArchiveJson.MAPPER.writeValueAsBytes(node).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] write(boolean gzip) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes;
        JsonGenerator gen = ArchiveJson.MAPPER.createGenerator(out)) {
      gen.writeStartObject();
      gen.writeNumberField("formatVersion", FORMAT_VERSION);
      gen.writeArrayFieldStart("entries");
      for (ArchiveEntry entry : entries.values()) {
        ArchiveJson.MAPPER.writeValue(gen, entry);
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart("conversations");
      for (Map.Entry<ConversationId, JsonNode> c : conversations.entrySet()) {
        gen.writeStartObject();
        gen.writeStringField("id", c.getKey().value());
        gen.writeFieldName("archived");
        ArchiveJson.MAPPER.writeTree(gen, c.getValue());
        gen.writeEndObject();
      }
      gen.writeEndArray();
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static UserFile read(InputStream stored) throws IOException {
    UserFile file = new UserFile();
    try (JsonParser parser = ArchiveJson.MAPPER.createParser(ArchiveJson.plain(stored))) {
      expect(parser.nextToken(), JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "entries" -> {
            expect(parser.currentToken(), JsonToken.START_ARRAY);
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              ArchiveEntry entry = ArchiveJson.MAPPER.readValue(parser, ArchiveEntry.class);
              file.entries.put(entry.id(), entry);
            }
          }
          case "conversations" -> {
            expect(parser.currentToken(), JsonToken.START_ARRAY);
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              JsonNode element = ArchiveJson.MAPPER.readTree(parser);
              file.conversations.put(ConversationId.of(element.path("id").asText()), element.path("archived"));
            }
          }
          default -> parser.skipChildren(); // a field a newer writer added
        }
      }
    }
    return file;
  }

  static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual);
    }
  }
}
