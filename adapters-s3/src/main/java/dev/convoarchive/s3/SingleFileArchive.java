package dev.convoarchive.s3;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One object per user (see {@link ObjectKeys}), holding every archived conversation (see
 * {@link UserFile} for its shape). Every change rewrites the whole file through
 * {@link VersionedObject}, whose per-key lock makes this process's writers queue and whose
 * conditional write keeps other machines from overwriting each other. Reads parse the file as a
 * stream and keep only what they need.
 */
final class SingleFileArchive implements S3Archive {

  private final ObjectStore store;
  private final ObjectKeys keys;
  private final VersionedObject<UserFile> files;

  SingleFileArchive(ObjectStore store, ObjectKeys keys, VersionedObject<UserFile> files) {
    this.store = store;
    this.keys = keys;
    this.files = files;
  }

  private String fileKey(UserId owner) {
    return keys.userFile(owner);
  }

  @Override
  public StoreResult store(ArchivedConversation conversation) {
    return files.update(fileKey(conversation.owner()), file -> file.add(conversation));
  }

  @Override
  public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
    Optional<Optional<ArchivedConversation>> found = read(owner, parser -> {
      if (seek(parser, "conversations")) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          Optional<ArchivedConversation> match = conversationIfId(parser, id.value());
          if (match.isPresent()) {
            return match;
          }
        }
      }
      return Optional.empty();
    });
    return found.flatMap(o -> o);
  }

  @Override
  public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
    List<ArchiveEntry> entries = read(owner, parser -> {
      List<ArchiveEntry> all = new ArrayList<>();
      if (seek(parser, "entries")) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          all.add(ArchiveJson.MAPPER.readValue(parser, ArchiveEntry.class));
        }
      }
      return all;
    }).orElse(List.of());
    return Page.of(entries, request);
  }

  @Override
  public boolean delete(UserId owner, ConversationId id) {
    return files.update(fileKey(owner), file -> file.remove(id));
  }

  @Override
  public int deleteAll(UserId owner) {
    // The emptied file stays: deleting it unconditionally could erase a concurrent writer's update.
    return files.update(fileKey(owner), UserFile::removeAll);
  }

  /** The single file holds more than this conversation: its document is encoded afresh. */
  @Override
  public Optional<ArchivedDocument> document(UserId owner, ConversationId id) {
    return find(owner, id).map(ArchiveJson::document);
  }

  @Override
  public Stream<ArchivedDocument> documents(UserId owner) {
    return export(owner).map(ArchiveJson::document);
  }

  @Override
  public Stream<ArchivedConversation> export(UserId owner) {
    Optional<ResponseInputStream<GetObjectResponse>> response = store.open(fileKey(owner));
    if (response.isEmpty()) {
      return Stream.empty();
    }
    ResponseInputStream<GetObjectResponse> raw = response.get();
    try {
      JsonParser parser = ArchiveJson.MAPPER.createParser(ArchiveJson.plain(raw));
      boolean any = seek(parser, "conversations");
      Spliterator<ArchivedConversation> conversations =
          new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
            boolean done = !any;

            @Override
            public boolean tryAdvance(Consumer<? super ArchivedConversation> action) {
              if (done) {
                return false;
              }
              try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                  done = true;
                  return false;
                }
                action.accept(conversationIfId(parser, null).orElseThrow());
                return true;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          };
      return StreamSupport.stream(conversations, false).onClose(() -> {
        raw.abort();
        closeQuietly(parser);
      });
    } catch (IOException e) {
      raw.abort();
      throw new DamagedArchiveException(fileKey(owner), e);
    }
  }

  @Override
  public int reindex(UserId owner) {
    return files.update(fileKey(owner), UserFile::rebuildEntries);
  }

  @Override
  public Stream<UserId> owners() {
    return store.listChildren(keys.root()).stream()
        .filter(child -> !child.endsWith("/"))
        .map(keys::ownerOf)
        .flatMap(Optional::stream);
  }

  /** Every change rewrites the one file whole, so nothing can be left behind. */
  @Override
  public int removeOrphans(Duration olderThan) {
    return 0;
  }

  /** Writes the whole file at once, unconditionally (see {@code BulkLoad}). */
  @Override
  public void load(UserId owner, List<ArchivedConversation> conversations) {
    UserFile file = new UserFile();
    conversations.forEach(file::add);
    store.overwrite(fileKey(owner), UserFile.CODEC.encode(file, store.gzip()));
  }

  private interface ParserReader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /** Runs {@code reader} over the owner's file as a stream; empty when the user has no file. */
  private <T> Optional<T> read(UserId owner, ParserReader<T> reader) {
    String key = fileKey(owner);
    Optional<ResponseInputStream<GetObjectResponse>> response = store.open(key);
    if (response.isEmpty()) {
      return Optional.empty();
    }
    ResponseInputStream<GetObjectResponse> raw = response.get();
    try (JsonParser parser = ArchiveJson.MAPPER.createParser(ArchiveJson.plain(raw))) {
      return Optional.of(reader.read(parser));
    } catch (IOException e) {
      throw new DamagedArchiveException(key, e);
    } finally {
      // Drop the connection rather than download the rest of a file we no longer need.
      raw.abort();
    }
  }

  /** Moves the parser to the start of the top-level array {@code field}; false if there is none. */
  private static boolean seek(JsonParser parser, String field) throws IOException {
    if (parser.currentToken() == null) {
      UserFile.expect(parser.nextToken(), JsonToken.START_OBJECT);
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals(field) && value == JsonToken.START_ARRAY) {
        return true;
      }
      parser.skipChildren();
    }
    return false;
  }

  /**
   * Reads one {@code {"id":..., "archived":{...}}} element with the parser on its START_OBJECT.
   * Returns the conversation when its id is {@code wanted} (or {@code wanted} is null); otherwise
   * skips the rest of the element without building it and returns empty.
   */
  private static Optional<ArchivedConversation> conversationIfId(JsonParser parser, String wanted) throws IOException {
    String id = null;
    ArchivedConversation found = null;
    JsonNode early = null; // an "archived" that came before its "id": only from another writer
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      boolean match = id != null && (wanted == null || wanted.equals(id));
      if (field.equals("id")) {
        id = parser.getText();
      } else if (field.equals("archived") && match) {
        found = ArchiveJson.MAPPER.readValue(parser, ArchivedConversation.class);
      } else if (field.equals("archived") && id == null) {
        early = ArchiveJson.MAPPER.readTree(parser);
      } else {
        parser.skipChildren();
      }
    }
    if (id == null || (wanted != null && !wanted.equals(id))) {
      return Optional.empty();
    }
    if (found == null && early != null) {
      found = ArchiveJson.MAPPER.treeToValue(early, ArchivedConversation.class);
    }
    return Optional.ofNullable(found);
  }

  private static void closeQuietly(JsonParser parser) {
    try {
      parser.close();
    } catch (IOException ignored) {
      // the connection is already aborted
    }
  }
}
