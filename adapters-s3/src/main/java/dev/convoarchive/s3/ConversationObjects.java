package dev.convoarchive.s3;

import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.s3.cas.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The per-file layout's conversation objects, one per conversation, written once with
 * {@code If-None-Match: *} and never overwritten while an index entry names them. What the layout
 * and its S3 index both do with them lives here.
 */
final class ConversationObjects implements StoredConversations {

  private static final int BULK_WRITERS = 8;
  /** Enough of a gzip stream to inflate a document's first bytes. */
  private static final int SNIFFED_BYTES = 1024;

  private final ObjectStore store;
  private final ObjectKeys keys;

  ConversationObjects(ObjectStore store, ObjectKeys keys) {
    this.store = store;
    this.keys = keys;
  }

  ObjectKeys keys() {
    return keys;
  }

  /**
   * Writes the conversation's object unless one exists; then the result describes the stored one
   * ({@code created == false}). Two rounds cover an object deleted between a failed create and
   * the read of it.
   */
  StoreResult create(ArchivedConversation conversation) {
    String key = keys.conversation(conversation.owner(), conversation.id());
    byte[] bytes = ArchiveJson.encode(conversation, store.gzip());
    for (int round = 0; round < 2; round++) {
      if (store.create(key, bytes).isPresent()) {
        return new StoreResult(ArchiveEntry.of(conversation, bytes.length), true);
      }
      Optional<StoreResult> existing = store.read(key)
          .map(v -> new StoreResult(ArchiveEntry.of(decode(key, v.bytes()), v.bytes().length), false));
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    throw ContentionException.onStoredObject(key, 2);
  }

  /**
   * Writes the conversation's object whatever is there: for a catalog of record, which holds the
   * id while it writes, so anything at the key is an orphan no entry names.
   */
  StoreResult put(ArchivedConversation conversation) {
    byte[] bytes = ArchiveJson.encode(conversation, store.gzip());
    store.overwrite(keys.conversation(conversation.owner(), conversation.id()), bytes);
    return new StoreResult(ArchiveEntry.of(conversation, bytes.length), true);
  }

  Optional<ArchivedConversation> read(UserId owner, ConversationId id) {
    String key = keys.conversation(owner, id);
    return store.read(key).map(v -> decode(key, v.bytes()));
  }

  /**
   * The stored document, passed on as stored when it is in format 2 (its version the object's
   * ETag); a format-1 object is decoded and encoded in format 2. Only the first bytes are read here.
   */
  Optional<ArchivedDocument> document(UserId owner, ConversationId id) {
    String key = keys.conversation(owner, id);
    return store.open(key, SNIFFED_BYTES).map(opened -> {
      boolean gzipped = ArchiveJson.gzipped(opened.head());
      if (opened.etag() != null && ConversationFormat.isDocument(ArchiveJson.plainHead(opened.head(), 16))) {
        return new ArchivedDocument(opened.etag(), gzipped, opened.length(), opened.body());
      }
      byte[] bytes;
      try (InputStream body = opened.body()) {
        bytes = body.readAllBytes();
      } catch (IOException e) {
        throw new StorageUnavailableException("S3", "GetObject " + key + " failed: " + e.getMessage(), e);
      }
      return ArchiveJson.document(decode(key, bytes));
    });
  }

  /** The entry of the stored object, or empty when it is gone. */
  Optional<ArchiveEntry> entry(UserId owner, ConversationId id) {
    String key = keys.conversation(owner, id);
    return store.read(key).map(v -> ArchiveEntry.of(decode(key, v.bytes()), v.bytes().length));
  }

  @Override
  public boolean exists(UserId owner, ConversationId id) {
    return store.exists(keys.conversation(owner, id));
  }

  /** Deletes the object whether or not it exists (one request; S3 deletes are idempotent). */
  void erase(UserId owner, ConversationId id) {
    store.delete(keys.conversation(owner, id));
  }

  /** Deletes the object; returns whether it existed (two requests: the answer needs a HEAD first). */
  boolean delete(UserId owner, ConversationId id) {
    String key = keys.conversation(owner, id);
    boolean existed = store.exists(key);
    if (existed) {
      store.delete(key);
    }
    return existed;
  }

  void deleteAll(UserId owner, List<ConversationId> ids) {
    store.deleteAll(ids.stream().map(id -> keys.conversation(owner, id)).toList());
  }

  /** The owner's conversation objects, from a listing. */
  List<S3Object> list(UserId owner) {
    return store.list(keys.userFolder(owner)).stream()
        .filter(o -> keys.conversationIn(owner, o.key()).isPresent())
        .toList();
  }

  @Override
  public List<ConversationId> ids(UserId owner) {
    return list(owner).stream().map(o -> keys.conversationIn(owner, o.key()).orElseThrow()).toList();
  }

  /** The entry of every listed object, each read to learn it. */
  @Override
  public List<ArchiveEntry> entries(UserId owner) {
    List<ArchiveEntry> entries = new ArrayList<>();
    for (ConversationId id : ids(owner)) {
      entry(owner, id).ifPresent(entries::add);
    }
    return entries;
  }

  /**
   * Writes every conversation of a new owner in parallel, unconditionally (a bulk load: nothing
   * else writes that owner meanwhile); returns their entries.
   */
  List<ArchiveEntry> writeAll(UserId owner, List<ArchivedConversation> conversations) {
    List<ArchiveEntry> entries = new ArrayList<>();
    ExecutorService writers = Executors.newFixedThreadPool(BULK_WRITERS);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (ArchivedConversation conversation : conversations) {
        byte[] bytes = ArchiveJson.encode(conversation, store.gzip());
        entries.add(ArchiveEntry.of(conversation, bytes.length));
        writes.add(writers.submit(() -> store.overwrite(keys.conversation(owner, conversation.id()), bytes)));
      }
      for (Future<?> write : writes) {
        write.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading an archive", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } finally {
      writers.shutdownNow();
    }
    return entries;
  }

  private static ArchivedConversation decode(String key, byte[] bytes) {
    return ArchiveJson.decode(key, bytes, ArchivedConversation.class);
  }
}
