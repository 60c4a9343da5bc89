package dev.convoarchive.http.config;

import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.supabase.store.SweepSource;
import java.time.Duration;
import java.util.Optional;

/**
 * The background sweeper: off unless {@code SWEEPER=on}.
 *
 * @param enabled whether the service runs the sweeper
 * @param source which live conversations it takes (the deleted column, cold tiering)
 * @param interval the pause between passes when there is nothing left to do
 * @param settings batch size, concurrency, lease and retention of each pass
 */
public record SweepConfig(boolean enabled, SweepSource source, Duration interval, Sweeper.Settings settings) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int DEFAULT_CONCURRENCY = 4;
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
  /** SWEEP_MAX_RATE's default: conversations a second one instance starts to archive. */
  public static final double DEFAULT_MAX_RATE = 200;

  /** Off, with the defaults. */
  public static SweepConfig off() {
    return new SweepConfig(false, new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.empty()), DEFAULT_INTERVAL,
        new Sweeper.Settings(DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, DEFAULT_LEASE, Optional.empty()));
  }

  public SweepConfig on() {
    return new SweepConfig(true, source, interval, settings);
  }

  public SweepConfig withSource(SweepSource source) {
    return new SweepConfig(enabled, source, interval, settings);
  }

  public SweepConfig withInterval(Duration interval) {
    return new SweepConfig(enabled, source, interval, settings);
  }

  public SweepConfig withSettings(Sweeper.Settings settings) {
    return new SweepConfig(enabled, source, interval, settings);
  }
}
