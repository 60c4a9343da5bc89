package dev.convoarchive.http.support;

import dev.convoarchive.s3.ArchiveLayout;
import dev.convoarchive.s3.IndexLocation;
import dev.convoarchive.s3.S3ArchiveConfig;

/** The three ways the service can store archives, which the service-level tests run on each. */
public enum Variant {
  PER_FILE_POSTGRES_INDEX(ArchiveLayout.PER_FILE, IndexLocation.POSTGRES),
  PER_FILE_S3_INDEX(ArchiveLayout.PER_FILE, IndexLocation.S3),
  SINGLE_FILE(ArchiveLayout.SINGLE_FILE, IndexLocation.S3);

  private final ArchiveLayout layout;
  private final IndexLocation index;

  Variant(ArchiveLayout layout, IndexLocation index) {
    this.layout = layout;
    this.index = index;
  }

  /** The variant the service runs when only the layout is configured (the default index). */
  public static Variant of(ArchiveLayout layout) {
    return layout == ArchiveLayout.PER_FILE ? PER_FILE_POSTGRES_INDEX : SINGLE_FILE;
  }

  public ArchiveLayout layout() {
    return layout;
  }

  public IndexLocation index() {
    return index;
  }

  public S3ArchiveConfig apply(S3ArchiveConfig base) {
    return base.withLayout(layout).withIndex(index);
  }
}
