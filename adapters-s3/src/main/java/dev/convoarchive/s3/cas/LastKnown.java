package dev.convoarchive.s3.cas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes and ETag this process last read or wrote per key, bounded in total size (the least
 * recently used go first). A change that starts from them skips reading the object: its
 * conditional write succeeds only if they are still current, and a failed one reads afresh.
 */
final class LastKnown {

  /** An object larger than this is not kept: reading it again costs less than holding it. */
  static final int MAX_ENTRY_BYTES = 1024 * 1024;

  private final long maxBytes;
  private final LinkedHashMap<String, ObjectStore.Versioned> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  LastKnown(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized Optional<ObjectStore.Versioned> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized void put(String key, ObjectStore.Versioned version) {
    forget(key);
    if (version.etag() == null || version.bytes().length > MAX_ENTRY_BYTES) {
      return;
    }
    entries.put(key, version);
    bytes += version.bytes().length;
    var eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Map.Entry<String, ObjectStore.Versioned> entry = eldest.next();
      bytes -= entry.getValue().bytes().length;
      eldest.remove();
    }
  }

  synchronized void forget(String key) {
    ObjectStore.Versioned gone = entries.remove(key);
    if (gone != null) {
      bytes -= gone.bytes().length;
    }
  }
}
