package dev.convoarchive.http.sweep;

import dev.convoarchive.domain.port.ReadinessCheck;
import dev.convoarchive.domain.usecase.Sweeper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sweeper in the background: a pass, then a pause of one interval; after a failed pass
 * the pause doubles, up to {@value #MAX_BACKOFF_FACTOR} intervals, so an S3 or database outage is
 * not hammered. Reports what it did as metrics, and is a (non-critical) readiness check that
 * says "stuck" when no pass has finished cleanly for a while.
 */
public final class SweeperWorker implements AutoCloseable, ReadinessCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SweeperWorker.class);
  static final int MAX_BACKOFF_FACTOR = 32;

  private final Sweeper sweeper;
  private final Duration interval;
  private final Clock clock;
  private final Duration stuckAfter;
  private final Counter archived;
  private final Counter gone;
  private final Counter erased;
  private final Counter accountsErased;
  private final Counter failures;
  private final AtomicReference<Instant> lastCleanPass;
  private final AtomicReference<Double> oldestDueSeconds = new AtomicReference<>(0.0);
  private final Thread thread;
  private volatile boolean stopping;

  public SweeperWorker(Sweeper sweeper, Duration interval, MeterRegistry registry, Clock clock) {
    this.sweeper = sweeper;
    this.interval = interval;
    this.clock = clock;
    // Stuck: several back-offs in a row, or a pass that never ends.
    this.stuckAfter = max(interval.multipliedBy(MAX_BACKOFF_FACTOR * 2L), Duration.ofMinutes(5));
    this.lastCleanPass = new AtomicReference<>(clock.instant());
    this.archived = Counter.builder("sweeper_archived").description("conversations the sweeper archived").register(registry);
    this.gone = Counter.builder("sweeper_gone").description("due conversations that vanished before the sweeper got to them")
        .register(registry);
    this.erased = Counter.builder("sweeper_erased").description("archived conversations erased by retention").register(registry);
    this.accountsErased = Counter.builder("sweeper_accounts_erased")
        .description("removed users whose captured conversations and archive were erased").register(registry);
    this.failures = Counter.builder("sweeper_failures").description("conversations the sweeper failed to archive")
        .register(registry);
    Gauge.builder("sweeper_oldest_due_seconds", oldestDueSeconds, AtomicReference::get)
        .description("how long the longest-waiting due conversation has waited: the lag to alert on").register(registry);
    this.thread = new Thread(this::run, "sweeper");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    int failedInRow = 0;
    while (!stopping) {
      try {
        Sweeper.Pass pass = sweeper.runOnce(progress -> {});
        archived.increment(pass.archived());
        gone.increment(pass.gone());
        erased.increment(pass.erased());
        accountsErased.increment(pass.accountsErased());
        failures.increment(pass.failed());
        failedInRow = pass.outage().isPresent() ? failedInRow + 1 : 0;
        if (pass.clean()) {
          lastCleanPass.set(clock.instant());
        }
        if (pass.archived() + pass.erased() + pass.accountsErased() > 0 || !pass.clean()) {
          LOG.info("sweep: archived {}, gone {}, failed {}, erased {}, removed accounts erased {}", pass.archived(),
              pass.gone(), pass.failed(), pass.erased(), pass.accountsErased());
        }
        Instant now = clock.instant();
        oldestDueSeconds.set(sweeper.queue().oldestDue(now)
            .map(since -> Math.max(0, Duration.between(since, now).toMillis() / 1000.0)).orElse(0.0));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        failedInRow++;
        LOG.warn("sweep failed: {}", e.getMessage());
      }
      try {
        synchronized (this) {
          if (!stopping) {
            wait(interval.multipliedBy(Math.min(MAX_BACKOFF_FACTOR, 1L << Math.min(failedInRow, 5))).toMillis());
          }
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public String name() {
    return "sweeper";
  }

  @Override
  public boolean critical() {
    return false;
  }

  @Override
  public void check() {
    Instant last = lastCleanPass.get();
    if (Duration.between(last, clock.instant()).compareTo(stuckAfter) > 0) {
      throw new IllegalStateException("stuck: no clean pass since " + last);
    }
  }

  /** Lets the batch under way finish (its conversations are mid-move), then stops. */
  @Override
  public void close() throws InterruptedException {
    sweeper.stop();
    synchronized (this) {
      stopping = true;
      notifyAll();
    }
    thread.join(60_000);
    sweeper.close();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
