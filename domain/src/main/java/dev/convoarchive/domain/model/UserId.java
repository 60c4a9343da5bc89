package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The owner of conversations: Supabase's {@code auth.users.id} (the JWT {@code sub}), or the text
 * id of another sign-in system (Clerk's {@code user_2abc...}, as LobeChat keeps it). Archives are
 * keyed by it, never by e-mail, because e-mails change and folding them into names can merge users.
 *
 * <p>The value becomes part of storage keys, so its alphabet is as small as a conversation id's. A
 * UUID is kept in its canonical lower-case form, so the two spellings of one never name two owners.
 */
public record UserId(String value) {

  public static final int MAX_LENGTH = 128;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final Pattern UUID_FORM =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public UserId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw invalid(value);
    }
    if (UUID_FORM.matcher(value).matches()) {
      value = value.toLowerCase(Locale.ROOT);
    }
  }

  /** A UUID such as Supabase Auth's, or a text id of letters, digits, '_' and '-'; anything else is invalid input. */
  public static UserId parse(String text) {
    return new UserId(text);
  }

  public static UserId of(UUID uuid) {
    return new UserId(uuid.toString());
  }

  public static UserId random() {
    return of(UUID.randomUUID());
  }

  /** True when the id is a UUID (Supabase Auth's form) rather than another system's text id. */
  public boolean isUuid() {
    return UUID_FORM.matcher(value).matches();
  }

  private static InvalidInputException invalid(String text) {
    return new InvalidInputException("userId",
        "must be a UUID such as 3f1c2a9e-8b7d-4c5e-9a6b-1d2e3f4a5b6c (Supabase's auth.users.id), or a text id of "
            + "1 to " + MAX_LENGTH + " letters, digits, '_' or '-' starting with a letter or digit; got "
            + InvalidInputException.quote(text));
  }

  @Override
  public String toString() {
    return value;
  }
}
