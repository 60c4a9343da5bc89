package dev.convoarchive.s3;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How stored objects are encoded. Readers accept both whatever is configured. */
public enum Compression {
  GZIP, NONE;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Compression parse(String text) {
    for (Compression compression : values()) {
      if (compression.configName().equals(text)) {
        return compression;
      }
    }
    throw new InvalidInputException("ARCHIVE_COMPRESSION", "must be one of "
        + Arrays.stream(values()).map(Compression::configName).collect(Collectors.joining(", "))
        + "; got " + InvalidInputException.quote(text));
  }
}
