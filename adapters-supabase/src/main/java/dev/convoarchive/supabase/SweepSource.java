package dev.convoarchive.supabase;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which live conversations the sweeper takes.
 *
 * @param deletedColumn the column of {@code conversations} the chat app sets when it deletes one
 *     (soft-delete.sql adds {@code deleted_at})
 * @param inactiveAfter cold tiering: also take conversations neither updated nor restored for this
 *     long; empty for none
 */
public record SweepSource(String deletedColumn, Optional<Duration> inactiveAfter) {

  public static final String DEFAULT_DELETED_COLUMN = "deleted_at";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  public SweepSource {
    if (deletedColumn == null || !IDENTIFIER.matcher(deletedColumn).matches()) {
      throw new InvalidInputException("SWEEP_DELETED_COLUMN",
          "must be a plain SQL column name such as " + DEFAULT_DELETED_COLUMN + "; got " + InvalidInputException.quote(deletedColumn));
    }
    inactiveAfter = inactiveAfter == null ? Optional.empty() : inactiveAfter;
    if (inactiveAfter.isPresent() && inactiveAfter.get().compareTo(Duration.ofMinutes(1)) < 0) {
      throw new InvalidInputException("SWEEP_INACTIVE_AFTER", "must be at least a minute; got " + inactiveAfter.get());
    }
  }
}
