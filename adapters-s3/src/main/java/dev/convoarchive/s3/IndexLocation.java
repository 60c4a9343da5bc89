package dev.convoarchive.s3;

import dev.convoarchive.domain.model.EnumNames;
import java.util.Locale;

/** Where the per-file layout keeps its index (the catalog of a user's archived conversations). */
public enum IndexLocation {
  /**
   * A table in the service's own schema of the live database. Every change is ordered by a row
   * lock, so it needs no conditional writes from the store, and every operation stays flat as an
   * archive grows. The default.
   */
  POSTGRES,
  /** One {@code _metadata.json} object per user, changed by compare-and-swap. */
  S3;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IndexLocation parse(String text) {
    return EnumNames.parse(IndexLocation.class, IndexLocation::configName, "ARCHIVE_INDEX", text);
  }
}
