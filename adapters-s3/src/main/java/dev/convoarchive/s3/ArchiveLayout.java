package dev.convoarchive.s3;

import dev.convoarchive.domain.model.EnumNames;
import java.util.Locale;

/** How conversations are laid out in the bucket. */
public enum ArchiveLayout {
  /** One object per conversation plus a small per-user index. The default. */
  PER_FILE,
  /** One object per user holding every conversation, rewritten on every change. */
  SINGLE_FILE;

  /** The spelling used in configuration: {@code per-file}, {@code single-file}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a configuration value; an unknown one is refused with the list of valid values. */
  public static ArchiveLayout parse(String text) {
    return EnumNames.parse(ArchiveLayout.class, ArchiveLayout::configName, "ARCHIVE_STRATEGY", text);
  }
}
