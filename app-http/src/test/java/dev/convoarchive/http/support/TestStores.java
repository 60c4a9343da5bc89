package dev.convoarchive.http.support;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.IdType;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.SupabaseLive;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import java.util.List;

/** One real S3-protocol server and one real PostgreSQL for the whole test JVM (each takes seconds to start). */
public final class TestStores {

  public static final String BUCKET = "convo-archive-http-test";

  private static EmbeddedS3 s3;
  private static EmbeddedPostgres postgres;
  private static HikariDataSource pool;

  private TestStores() {}

  public static synchronized EmbeddedS3 s3() {
    if (s3 == null) {
      s3 = EmbeddedS3.start(0, null, List.of(BUCKET));
      Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
    }
    return s3;
  }

  public static synchronized SupabaseDbConfig database() {
    if (postgres == null) {
      postgres = EmbeddedPostgres.start(null);
      pool = SupabaseDatabase.pool(postgres.config().withPoolSize(4));
      SupabaseDatabase.applySchema(pool, postgres.config().schema(), IdType.UUID);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pool.close();
        postgres.close();
      }));
    }
    return postgres.config();
  }

  /** The live database as the chat app sees it: for seeding and checking. */
  public static synchronized LiveConversations live() {
    database();
    return SupabaseLive.create(pool, "public");
  }

  public static synchronized HikariDataSource pool() {
    database();
    return pool;
  }
}
