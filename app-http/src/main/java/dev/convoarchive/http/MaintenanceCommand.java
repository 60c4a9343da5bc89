package dev.convoarchive.http;

import com.google.inject.Module;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.wiring.Application;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * The operator's maintenance commands, on the configured bucket and database:
 *
 * <ul>
 *   <li>{@code rebuild-index}: rebuilds every user's listing from a listing of the bucket: the
 *       disaster recovery of the PostgreSQL index, and the step that moves an index from S3 into
 *       PostgreSQL or back (the objects are the same for both).
 *   <li>{@code remove-orphans [DURATION]}: removes conversation objects that no catalog row names
 *       and that are older than DURATION (ISO-8601, default PT24H): what writes interrupted by a
 *       crash left behind with the PostgreSQL index.
 * </ul>
 */
public final class MaintenanceCommand {

  static final Duration DEFAULT_ORPHAN_AGE = Duration.ofHours(24);

  private MaintenanceCommand() {}

  /** Returns the process exit code. */
  public static int rebuildIndex(AppConfig config, PrintStream out, Module... extras) {
    if (refusedInLocalMode(config, out)) {
      return 2;
    }
    try (Application.Services services = Application.services(config, extras); Stream<UserId> owners = services.maintenance().owners()) {
      int users = 0;
      long entries = 0;
      for (Iterator<UserId> it = owners.iterator(); it.hasNext(); ) {
        UserId owner = it.next();
        entries += services.maintenance().reindex(owner);
        users++;
      }
      out.printf("rebuilt the index of %d users: %d entries%n", users, entries);
      return 0;
    }
  }

  /** Returns the process exit code; {@code olderThan} is ISO-8601 (PT24H), null for the default. */
  public static int removeOrphans(AppConfig config, String olderThan, PrintStream out, Module... extras) {
    Duration age;
    try {
      age = olderThan == null ? DEFAULT_ORPHAN_AGE : Duration.parse(olderThan);
    } catch (DateTimeParseException e) {
      out.println("remove-orphans: the age must be an ISO-8601 duration such as PT24H or P2D; got " + olderThan);
      return 2;
    }
    if (age.isNegative()) {
      out.println("remove-orphans: the age must not be negative; got " + olderThan);
      return 2;
    }
    if (refusedInLocalMode(config, out)) {
      return 2;
    }
    try (Application.Services services = Application.services(config, extras)) {
      int removed = services.maintenance().removeOrphans(age);
      out.printf("removed %d orphaned objects older than %s%n", removed, age);
      return 0;
    }
  }

  private static boolean refusedInLocalMode(AppConfig config, PrintStream out) {
    if (config.localMode()) {
      out.println("set S3_BUCKET and SUPABASE_DB_URL (and ARCHIVE_STRATEGY / ARCHIVE_INDEX as the service runs) first");
      return true;
    }
    return false;
  }
}
