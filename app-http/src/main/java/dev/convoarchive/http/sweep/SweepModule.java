package dev.convoarchive.http.sweep;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ReadinessCheck;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.api.Metrics;
import dev.convoarchive.http.config.SweepConfig;
import java.time.Clock;
import java.util.Optional;

/** The sweeper and its background worker, on the queue the database adapter provides. */
public final class SweepModule extends AbstractModule {

  private final SweepConfig config;

  public SweepModule(SweepConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), ReadinessCheck.class).addBinding().to(SweeperWorker.class);
  }

  @Provides
  @Singleton
  Sweeper sweeper(ArchiveService service, SweepQueue queue, ArchiveMaintenance maintenance, Clock clock) {
    return new Sweeper(service, queue, Optional.of(maintenance), config.settings(), clock);
  }

  @Provides
  @Singleton
  SweeperWorker worker(Sweeper sweeper, Metrics metrics, Clock clock) {
    return new SweeperWorker(sweeper, config.interval(), metrics.registry(), clock);
  }
}
