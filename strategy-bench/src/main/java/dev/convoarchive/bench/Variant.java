package dev.convoarchive.bench;

import dev.convoarchive.s3.ArchiveLayout;
import dev.convoarchive.s3.IndexLocation;
import dev.convoarchive.s3.S3ArchiveConfig;
import java.util.Locale;

/** The three ways of storing archives the bench compares. */
enum Variant {
  /** Per-file with its index in PostgreSQL: the service's default. */
  PER_FILE_POSTGRES_INDEX(ArchiveLayout.PER_FILE, IndexLocation.POSTGRES, "per-file (PostgreSQL index)"),
  /** Per-file with the {@code _metadata.json} index object: the comparison's original design. */
  PER_FILE_S3_INDEX(ArchiveLayout.PER_FILE, IndexLocation.S3, "per-file (S3 index)"),
  SINGLE_FILE(ArchiveLayout.SINGLE_FILE, IndexLocation.S3, "single-file");

  private final ArchiveLayout layout;
  private final IndexLocation index;
  private final String label;

  Variant(ArchiveLayout layout, IndexLocation index, String label) {
    this.layout = layout;
    this.index = index;
    this.label = label;
  }

  ArchiveLayout layout() {
    return layout;
  }

  boolean usesDatabase() {
    return layout == ArchiveLayout.PER_FILE && index == IndexLocation.POSTGRES;
  }

  S3ArchiveConfig apply(S3ArchiveConfig base) {
    return base.withLayout(layout).withIndex(index);
  }

  /** How reports and raw figures name it: {@code per-file-postgres}, {@code per-file-s3}, {@code single-file}. */
  String configName() {
    return this == SINGLE_FILE ? "single-file" : "per-file-" + index.configName();
  }

  String label() {
    return label;
  }

  @Override
  public String toString() {
    return configName().toLowerCase(Locale.ROOT);
  }
}
