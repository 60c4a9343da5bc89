package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A conversation's id. The alphabet is small on purpose: the id becomes part of storage keys and
 * URLs, so anything that could traverse ({@code /}, {@code ..}), be decoded twice ({@code %2F}) or
 * look alike (whitespace, control and non-ASCII characters) is refused before any I/O.
 */
public record ConversationId(String value) {

  public static final int MAX_LENGTH = 128;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  public ConversationId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidInputException("conversationId",
          "must be 1 to " + MAX_LENGTH + " characters of letters, digits, '_' or '-', "
              + "starting with a letter or digit; got " + InvalidInputException.quote(value));
    }
  }

  public static ConversationId of(String value) {
    return new ConversationId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
