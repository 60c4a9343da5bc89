package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;

/**
 * Who wrote a message, spelled as the chat app's database spells it. The four common roles are
 * constants; an app's own (Zola's {@code data}, say) is kept as it is.
 */
public record Role(String wireName) {

  public static final Role USER = new Role("user");
  public static final Role ASSISTANT = new Role("assistant");
  public static final Role SYSTEM = new Role("system");
  public static final Role TOOL = new Role("tool");

  public static final int MAX_LENGTH = 1000;

  public Role {
    if (wireName == null || wireName.isEmpty() || wireName.length() > MAX_LENGTH
        || wireName.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("role", "must be 1 to " + MAX_LENGTH
          + " characters without control characters (user, assistant, system, tool, or the app's own); got "
          + InvalidInputException.quote(wireName));
    }
  }

  public static Role parse(String text) {
    return new Role(text);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
