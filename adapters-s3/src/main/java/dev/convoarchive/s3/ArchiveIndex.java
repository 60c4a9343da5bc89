package dev.convoarchive.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.s3.cas.VersionedObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The per-file layout's {@code _metadata.json}: one entry per archived conversation of a user. */
final class ArchiveIndex {

  static final int FORMAT_VERSION = 1;

  /** The stored form. Unknown fields are ignored on read. */
  record Json(@JsonProperty("formatVersion") int formatVersion, @JsonProperty("entries") List<ArchiveEntry> entries) {}

  static final VersionedObject.Codec<ArchiveIndex> CODEC = new VersionedObject.Codec<>() {
    @Override
    public ArchiveIndex empty() {
      return new ArchiveIndex(List.of(), false);
    }

    @Override
    public ArchiveIndex decode(InputStream stored) {
      try (InputStream json = ArchiveJson.plain(stored)) {
        Json index = ArchiveJson.MAPPER.readValue(json, Json.class);
        return new ArchiveIndex(index.entries() == null ? List.of() : index.entries(), false);
      } catch (IOException | RuntimeException e) {
        // The index is only a cache of the objects: a damaged one is rebuilt, not fatal.
        return new ArchiveIndex(List.of(), true);
      }
    }

    @Override
    public byte[] encode(ArchiveIndex index, boolean gzip) {
      return ArchiveJson.encode(new Json(FORMAT_VERSION, new ArrayList<>(index.entries.values())), gzip);
    }
  };

  private final Map<ConversationId, ArchiveEntry> entries = new LinkedHashMap<>();
  private final boolean damaged;

  ArchiveIndex(Collection<ArchiveEntry> entries, boolean damaged) {
    entries.forEach(e -> this.entries.put(e.id(), e));
    this.damaged = damaged;
  }

  /** True when the stored index could not be read; its entries are then unknown, not empty. */
  boolean damaged() {
    return damaged;
  }

  /** Replaces every entry (a rebuild); the result is how many there are now. */
  VersionedObject.Change<Integer> replaceAll(Collection<ArchiveEntry> replacement) {
    Map<ConversationId, ArchiveEntry> next = new LinkedHashMap<>();
    replacement.forEach(e -> next.put(e.id(), e));
    boolean dirty = damaged || !next.equals(entries);
    entries.clear();
    entries.putAll(next);
    return VersionedObject.Change.dirtyIf(dirty, entries.size());
  }

  Collection<ArchiveEntry> entries() {
    return entries.values();
  }

  /** Adds or replaces the entry for its id; returns whether the index changed. */
  boolean put(ArchiveEntry entry) {
    ArchiveEntry previous = entries.put(entry.id(), entry);
    return !entry.equals(previous);
  }

  boolean remove(ConversationId id) {
    return entries.remove(id) != null;
  }

  /** Removes the entry only if it is still exactly {@code expected}, so a newer one is never dropped. */
  boolean removeIfUnchanged(ArchiveEntry expected) {
    return entries.remove(expected.id(), expected);
  }

  /** Removes every listed id; returns the ids that were present. */
  List<ConversationId> removeAll(Set<ConversationId> ids) {
    List<ConversationId> removed = new ArrayList<>();
    for (ConversationId id : ids) {
      if (remove(id)) {
        removed.add(id);
      }
    }
    return removed;
  }
}
