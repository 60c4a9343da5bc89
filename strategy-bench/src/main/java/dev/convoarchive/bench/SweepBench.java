package dev.convoarchive.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.port.SweepQueue;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.wiring.Resources;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.SupabaseModule;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.store.SweepSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The sweeper's throughput: soft-deleted conversations archived per second by 1, 2 and 4
 * instances sharing one database and one bucket (each instance with its own pools and S3 client,
 * as separate processes would have), against the embedded servers. Writes a Markdown table.
 */
@Command(name = "sweep-bench", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Measures conversations swept per second by several sweeper instances sharing one database.")
public final class SweepBench implements Callable<Integer> {

  @Option(names = "--conversations", defaultValue = "2000", description = "Soft-deleted conversations per run.")
  int conversations;

  @Option(names = "--instances", split = ",", defaultValue = "1,2,4", description = "Instance counts to run.")
  List<Integer> instances;

  @Option(names = "--batch-size", defaultValue = "100", description = "SWEEP_BATCH_SIZE of each instance.")
  int batchSize;

  @Option(names = "--concurrency", defaultValue = "4", description = "SWEEP_CONCURRENCY of each instance.")
  int concurrency;

  @Option(names = "--out", defaultValue = "target/bench/sweep.md", description = "Where the table goes.")
  Path out;

  /**
   * What a conversation occupies in PostgreSQL: as a live (or soft-deleted) row with its messages,
   * and as a row of the PostgreSQL index once archived; each a relation's size with its indexes
   * and TOAST divided by its rows.
   */
  record Footprint(double liveBytesPerConversation, double indexBytesPerConversation) {}

  /** The footprint measured by the last {@link #runAll}. */
  Footprint footprint;

  /** One measured run. */
  record Run(int instances, int conversations, double seconds) {
    double perSecond() {
      return conversations / seconds;
    }
  }

  public static void main(String[] args) {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new SweepBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Run> runs;
    // A bucket per run: the embedded server rewrites a bucket's whole key list on every write, so a
    // shared one would slow each run by what the runs before it stored.
    List<String> buckets = instances.stream().map(SweepBench::bucket).toList();
    try (EmbeddedS3 s3 = EmbeddedS3.start(0, null, buckets);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(null)) {
      runs = runAll(count -> s3.config(bucket(count)), postgres.config());
    }
    String table = table(runs);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table);
    System.out.print(table);
    return 0;
  }

  static String bucket(int instances) {
    return "sweep-bench-" + instances;
  }

  /** Every instance count in turn, each on the storage {@code storage} names for it, sharing one database. */
  List<Run> runAll(java.util.function.IntFunction<S3ArchiveConfig> storage, SupabaseDbConfig database) throws Exception {
    SupabaseDbConfig pooled = database.withPoolSize(Math.max(10, concurrency * 2));
    SupabaseDatabase.applySchema(pooled, IdType.UUID);
    Statements.execute(Statements.unpooled(pooled), "alter table conversations add column if not exists deleted_at timestamptz");
    List<Run> runs = new ArrayList<>();
    for (int count : instances) {
      runs.add(run(storage.apply(count), pooled, count));
    }
    footprint = new Footprint(liveBytesPerConversation, query(pooled,
        "select pg_total_relation_size(to_regclass('" + pooled.serviceSchema() + ".archive_catalog'))::float8"
            + " / greatest(1, (select count(*) from " + pooled.serviceSchema() + ".archive_catalog))"));
    return runs;
  }

  Run run(S3ArchiveConfig config, SupabaseDbConfig database, int count) throws Exception {
    LiveConversations seeding = Guice.createInjector(new SupabaseModule(database)).getInstance(LiveConversations.class);
    List<UserId> users = new ArrayList<>();
    for (int u = 0; u < Math.max(1, conversations / 50); u++) {
      users.add(UserId.random());
    }
    SampleData data = new SampleData(count);
    for (int c = 0; c < conversations; c++) {
      seeding.restore(data.conversation(users.get(c % users.size())));
    }
    liveBytesPerConversation = query(database, "select (pg_total_relation_size('conversations') + pg_total_relation_size('messages'))::float8"
        + " / greatest(1, (select count(*) from conversations))");
    // Only this run's users: the database may hold other scenarios' live conversations.
    Statements.execute(Statements.unpooled(database), "update conversations set deleted_at = now() where deleted_at is null and user_id in ("
        + String.join(",", users.stream().map(u -> "'" + u + "'").toList()) + ")");
    Sweeper.Settings settings = new Sweeper.Settings(batchSize, concurrency, Duration.ofMinutes(5), Optional.empty());
    List<Injector> injectors = new ArrayList<>();
    List<Sweeper> sweepers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Injector injector = Guice.createInjector(new S3ArchiveModule(config), S3ArchiveModule.withCredentials(EmbeddedS3.credentials()),
          new SupabaseModule(database).withSweep(new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.empty())));
      ArchiveService service = new ArchiveService(injector.getInstance(LiveConversations.class),
          injector.getInstance(ConversationArchive.class), Clock.systemUTC());
      sweepers.add(new Sweeper(service, injector.getInstance(SweepQueue.class), Optional.empty(), settings, Clock.systemUTC()));
      injectors.add(injector);
    }
    ExecutorService pool = Executors.newFixedThreadPool(count);
    long started = System.nanoTime();
    int swept = 0;
    try {
      List<Future<Sweeper.Pass>> passes = new ArrayList<>();
      for (Sweeper sweeper : sweepers) {
        passes.add(pool.submit(() -> sweeper.runOnce(progress -> {})));
      }
      for (Future<Sweeper.Pass> pass : passes) {
        swept += pass.get().archived();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    for (Sweeper sweeper : sweepers) {
      sweeper.close();
    }
    injectors.forEach(Resources::closeAll);
    if (swept != conversations) {
      throw new IllegalStateException(count + " instances archived " + swept + " of " + conversations);
    }
    return new Run(count, conversations, seconds);
  }

  static String table(List<Run> runs) {
    StringBuilder table = new StringBuilder("| sweeper instances | conversations | seconds | swept per second |\n|---:|---:|---:|---:|\n");
    for (Run run : runs) {
      table.append(String.format("| %d | %d | %.1f | %.0f |%n", run.instances(), run.conversations(), run.seconds(), run.perSecond()));
    }
    return table.toString();
  }

  private double liveBytesPerConversation;

  private static double query(SupabaseDbConfig database, String sql) throws Exception {
    PGSimpleDataSource plain = new PGSimpleDataSource();
    plain.setUrl(database.jdbcUrl());
    plain.setUser(database.user());
    plain.setPassword(database.password());
    try (Connection connection = plain.getConnection(); Statement statement = connection.createStatement();
        java.sql.ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getDouble(1);
    }
  }

}
