package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which conversations the sweeper takes, and how it treats captured deletes.
 *
 * @param deletedColumn the conversation table's column the retired soft-delete kit set when the app
 *     deleted one; rows where it is set are swept while it exists (the upgrade to the capture kit)
 * @param inactiveAfter cold tiering: also take conversations inactive this long; empty for none
 * @param captureSettle how long after its conversation row is captured a deleted conversation
 *     waits, so that rows of tables without a declared key, deleted just after it, join it
 * @param captureWindow captured rows of a conversation that is not deleted within this long were
 *     edits or regenerations, and are dropped
 * @param eraseAccounts a removed user's captured conversations and archive are erased (the right
 *     to erasure) instead of archived
 */
public record SweepSource(String deletedColumn, Optional<Duration> inactiveAfter, Duration captureSettle,
    Duration captureWindow, boolean eraseAccounts) {

  public static final String DEFAULT_DELETED_COLUMN = "deleted_at";
  public static final Duration DEFAULT_CAPTURE_SETTLE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CAPTURE_WINDOW = Duration.ofHours(1);
  /**
   * The index that lets tiering (SWEEP_INACTIVE_AFTER) find inactive conversations without reading
   * them all, for the conversation table and its last-change column (its creation column when it
   * has none); the messages need one on (reference, time), which schema.sql has. {@code
   * concurrently}, so that building it does not stop the app's writes; run outside a transaction.
   */
  public static final String TIERING_INDEX = "create index concurrently if not exists convo_archive_tiering on %s (%s)";
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
    captureSettle = captureSettle == null ? DEFAULT_CAPTURE_SETTLE : captureSettle;
    captureWindow = captureWindow == null ? DEFAULT_CAPTURE_WINDOW : captureWindow;
    if (captureSettle.isNegative() || captureSettle.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new InvalidInputException("CAPTURE_SETTLE", "must be from PT0S to PT10M; got " + captureSettle);
    }
    if (captureWindow.compareTo(Duration.ofMinutes(1)) < 0 || captureWindow.compareTo(captureSettle) <= 0) {
      throw new InvalidInputException("CAPTURE_WINDOW", "must be at least a minute, and longer than CAPTURE_SETTLE; got "
          + captureWindow);
    }
  }

  public SweepSource(String deletedColumn, Optional<Duration> inactiveAfter) {
    this(deletedColumn, inactiveAfter, DEFAULT_CAPTURE_SETTLE, DEFAULT_CAPTURE_WINDOW, true);
  }

  public SweepSource withCapture(Duration settle, Duration window, boolean eraseAccounts) {
    return new SweepSource(deletedColumn, inactiveAfter, settle, window, eraseAccounts);
  }
}
