package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Who wrote a message, spelled on the wire as in the chat app's database. */
public enum Role {
  USER, ASSISTANT, SYSTEM, TOOL;

  /** The lower-case name used in JSON and SQL. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.wireName().equals(text)) {
        return role;
      }
    }
    throw new InvalidInputException("role", "must be one of "
        + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "))
        + "; got " + InvalidInputException.quote(text));
  }
}
