package dev.convoarchive.s3;

import dev.convoarchive.domain.model.EnumNames;
import java.util.Locale;

/** How stored objects are encoded. Readers accept both whatever is configured. */
public enum Compression {
  GZIP, NONE;

  /** True when objects are written gzipped. */
  public boolean gzip() {
    return this == GZIP;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Compression parse(String text) {
    return EnumNames.parse(Compression.class, Compression::configName, "ARCHIVE_COMPRESSION", text);
  }
}
