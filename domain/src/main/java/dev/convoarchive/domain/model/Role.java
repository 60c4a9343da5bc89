package dev.convoarchive.domain.model;

import java.util.Locale;

/** Who wrote a message, spelled on the wire as in the chat app's database. */
public enum Role {
  USER, ASSISTANT, SYSTEM, TOOL;

  /** The lower-case name used in JSON and SQL. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String text) {
    return EnumNames.parse(Role.class, Role::wireName, "role", text);
  }
}
