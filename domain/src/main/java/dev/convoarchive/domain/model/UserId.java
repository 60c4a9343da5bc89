package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.Objects;
import java.util.UUID;

/**
 * The owner of conversations: Supabase's {@code auth.users.id} (the JWT {@code sub}). Archives are
 * keyed by it, never by e-mail, because e-mails change and folding them into names can merge users.
 */
public record UserId(UUID value) {

  public UserId {
    Objects.requireNonNull(value, "value");
  }

  /** Parses the canonical 36-character UUID form; anything else is invalid input. */
  public static UserId parse(String text) {
    if (text == null || text.length() != 36) {
      throw invalid(text);
    }
    try {
      UUID uuid = UUID.fromString(text);
      if (!uuid.toString().equalsIgnoreCase(text)) {
        throw invalid(text);
      }
      return new UserId(uuid);
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
  }

  public static UserId random() {
    return new UserId(UUID.randomUUID());
  }

  private static InvalidInputException invalid(String text) {
    return new InvalidInputException("userId",
        "must be a UUID such as 3f1c2a9e-8b7d-4c5e-9a6b-1d2e3f4a5b6c (Supabase's auth.users.id); got "
            + InvalidInputException.quote(text));
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
