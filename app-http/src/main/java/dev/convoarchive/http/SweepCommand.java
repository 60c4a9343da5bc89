package dev.convoarchive.http;

import com.google.inject.Module;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.wiring.Application;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code sweep --once}: archives everything due now (soft-deleted, or inactive when
 * {@code SWEEP_INACTIVE_AFTER} is set), erases what {@code ARCHIVE_RETENTION} says, and stops: the
 * first backfill. Interrupted (Ctrl-C lets the batch under way finish), it is simply run again:
 * what was archived is no longer due. Runs beside sweeping services without doing anything twice.
 * Its progress line shows the rate so far, the time left at that rate and the lag (how long the
 * longest-waiting due conversation has waited).
 */
public final class SweepCommand {

  private static final int BAR_WIDTH = 30;

  private SweepCommand() {}

  /** Returns the process exit code: 0 when everything due was swept, 1 when some failed. */
  public static int once(AppConfig config, PrintStream out, PrintStream progress, Module... extras)
      throws InterruptedException {
    if (config.localMode()) {
      out.println("set S3_BUCKET and SUPABASE_DB_URL (and the SWEEP_* settings as the service runs) first");
      return 2;
    }
    long started = System.nanoTime();
    try (Application.Sweeping sweeping = Application.sweeping(config, extras)) {
      Sweeper sweeper = sweeping.sweeper();
      Thread stopOnInterrupt = new Thread(sweeper::stop, "sweep-stop");
      Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
      long due = sweeper.queue().countDue(Clock.systemUTC().instant());
      out.printf("%d conversations due%n", due);
      long sweepStarted = System.nanoTime();
      Sweeper.Pass pass = sweeper.runOnce(done -> {
        Instant now = Clock.systemUTC().instant();
        Optional<Duration> lag = sweeper.queue().oldestDue(now).map(oldest -> Duration.between(oldest, now));
        progress.print(progressLine(done.archived() + done.gone() + done.failed(), due,
            Duration.ofNanos(System.nanoTime() - sweepStarted), lag));
      });
      progress.println();
      long left = sweeper.queue().countDue(Clock.systemUTC().instant());
      out.printf("swept in %d s: archived %d, gone or no longer due %d, failed %d, erased by retention %d, removed "
          + "accounts erased %d; %d still due%n", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
          pass.archived(), pass.gone(), pass.failed(), pass.erased(), pass.accountsErased(), left);
      if (left > 0) {
        out.println("what is still due failed, or is claimed by a sweeper that stopped (taken again after SWEEP_LEASE);"
            + " run this again to continue");
      }
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // interrupted: the hook has run
      }
      return pass.clean() ? 0 : 1;
    }
  }

  /**
   * The bar, then the rate so far, the time left at that rate, and the lag: how long the
   * longest-waiting due conversation has waited (what an operator watches a backlog by).
   */
  public static String progressLine(long done, long total, Duration elapsed, Optional<Duration> lag) {
    double perSecond = elapsed.toMillis() == 0 ? 0 : done * 1000.0 / elapsed.toMillis();
    long left = Math.max(0, total - done);
    String eta = perSecond == 0 ? "?" : human(Duration.ofSeconds((long) Math.ceil(left / perSecond)));
    return bar(done, total) + String.format(Locale.ROOT, "  %.0f/s  %s left  lag %s   ", perSecond, eta,
        lag.map(SweepCommand::human).orElse("none"));
  }

  /** 42 s, 3 min 20 s, 2 h 05 min. */
  public static String human(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
  }

  public static String bar(long done, long total) {
    // Full when nothing was due, and never past full when more was swept than counted at the start.
    int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
    return "\r[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total;
  }
}
