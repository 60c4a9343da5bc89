package dev.convoarchive.http;

import com.google.inject.Module;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.supabase.store.PostgresSearch;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The operator's maintenance commands, on the configured bucket and database:
 *
 * <ul>
 *   <li>{@code rebuild-index}: rebuilds every user's listing from a listing of the bucket: the
 *       disaster recovery of the PostgreSQL index, and the step that moves an index from S3 into
 *       PostgreSQL or back (the objects are the same for both). With the PostgreSQL index it then
 *       writes the search document of every conversation that has none (archived before search
 *       existed) or one of another SEARCH_CONFIG, with a progress bar; each is committed on its
 *       own, so a run stopped at any point resumes where it stopped.
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
      services.search().ifPresent(search -> indexForSearch(search, services.archive(), config.search().mode(), out));
      return 0;
    }
  }

  /** How many objects the search backfill reads at once. */
  static final int SEARCH_READERS = 8;
  private static final int SEARCH_BATCH = 200;

  /**
   * Writes the missing search documents, a batch at a time, reading the batch's objects {@value
   * #SEARCH_READERS} at once. A conversation whose object cannot be read keeps its title as its
   * document (and is counted), so that the pass ends.
   */
  private static void indexForSearch(PostgresSearch search, ConversationArchive archive, SearchMode mode, PrintStream out) {
    long total = search.unindexedCount();
    if (total == 0) {
      out.println("search: every conversation is indexed");
      return;
    }
    ExecutorService readers = Executors.newFixedThreadPool(SEARCH_READERS);
    long done = 0;
    long titleOnly = 0;
    try {
      for (List<PostgresSearch.Unindexed> batch = search.unindexed(SEARCH_BATCH); !batch.isEmpty();
          batch = search.unindexed(SEARCH_BATCH)) {
        List<Future<Boolean>> indexed = batch.stream().map(todo -> readers.submit(() -> {
          Optional<ArchivedConversation> stored = archive.find(todo.owner(), todo.id());
          search.index(todo.owner(), todo.id(), stored.map(c -> mode.keep(SearchText.of(c.conversation())))
              .orElse(new SearchText(todo.title(), "")));
          return stored.isPresent();
        })).toList();
        for (Future<Boolean> one : indexed) {
          titleOnly += one.get() ? 0 : 1;
          out.print(SweepCommand.bar(++done, total));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted; run rebuild-index again to go on", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
    } finally {
      readers.shutdownNow();
    }
    out.println();
    out.printf("search: indexed %d conversations%s%n", done,
        titleOnly == 0 ? "" : " (" + titleOnly + " by title only: their objects could not be read)");
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
