package dev.convoarchive.http.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.http.config.AppConfig.AuthSettings;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import dev.convoarchive.supabase.live.IdType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The service with nothing configured: it starts a real S3-protocol server and a real PostgreSQL
 * itself, keeps their data under the data directory (./data) so archives survive a restart, loads
 * the schema and a few demo conversations, and signs its own tokens with a generated secret.
 * Production configuration never comes here.
 */
public final class LocalMode {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** The demo user every printed token is for. */
  public static final UserId DEMO_USER = UserId.parse("d3e0d3e0-0000-4000-8000-000000000001");
  /** The demo conversations' ids: UUIDs, as in the Supabase schema local mode loads. */
  public static final List<ConversationId> DEMO_CONVERSATIONS = List.of(
      ConversationId.of("c0000000-0000-4000-8000-000000000001"),
      ConversationId.of("c0000000-0000-4000-8000-000000000002"),
      ConversationId.of("c0000000-0000-4000-8000-000000000003"));
  static final String ISSUER = "convo-archive-local";

  private LocalMode() {}

  /** Starts the embedded stores and the service on them; closing the result stops all three. */
  public static Running start(AppConfig config) {
    Path data = config.dataDirectory().toAbsolutePath();
    List<AutoCloseable> servers = new ArrayList<>();
    try {
      Files.createDirectories(data);
      servers.add(DataDirectoryLock.take(data)); // first taken, last released
      EmbeddedS3 s3 = EmbeddedS3.start(0, data.resolve("s3"), List.of(config.s3().bucket()));
      servers.add(s3);
      EmbeddedPostgres postgres = EmbeddedPostgres.start(data.resolve("postgres"));
      servers.add(postgres);
      SupabaseDbConfig database = postgres.config();
      SupabaseDatabase.applySchema(database, IdType.UUID);
      String secret = secret(data.resolve("jwt-secret"));
      AppConfig resolved = config
          .withStorage(config.s3().withEndpoint(s3.endpoint(), true), database)
          // Its own secret signs the demo tokens; configured service keys work as in production.
          .withAuth(new AuthSettings(Optional.of(secret), Optional.empty(), config.auth().serviceKeys()))
          // The product's main promise, visible at once: a plain SQL delete is archived within seconds.
          .withSweep(config.sweep().enabled() ? config.sweep() : config.sweep().on().withInterval(Duration.ofSeconds(1))
              .withSource(config.sweep().source().withCapture(Duration.ofMillis(500),
                  config.sweep().source().captureWindow(), config.sweep().source().eraseAccounts())));
      // The capture kit on the demo tables (again at each start: it is idempotent), once the service's schema exists.
      SupabaseDatabase.migrateServiceSchema(database);
      SupabaseDatabase.runScript(database, "capture");
      Application app = Application.start(resolved, S3ArchiveModule.withCredentials(EmbeddedS3.credentials()));
      Running running = new Running(app, secret, data, database, List.copyOf(servers));
      try {
        seedDemoOnce(data.resolve("demo-loaded"), app.liveConversations(), app.archiveService());
      } catch (IOException | RuntimeException e) {
        running.close();
        throw e;
      }
      return running;
    } catch (IOException | RuntimeException e) {
      closeQuietly(servers);
      throw e instanceof IOException io ? new UncheckedIOException("could not prepare " + data, io) : (RuntimeException) e;
    }
  }

  /** A started local service, the embedded servers under it, and what a person needs to try it. */
  public record Running(Application app, String secret, Path dataDirectory, SupabaseDbConfig database,
      List<AutoCloseable> servers) implements AutoCloseable {

    /** The embedded database's URL, for any PostgreSQL client (psql, a GUI): the app's side of the demo. */
    public String databaseUrl() {
      return database.jdbcUrl().replace("jdbc:postgresql://", "postgres://" + database.user() + ":" + database.password() + "@");
    }

    /** A plain SQL delete of a demo conversation, as the chat app would run it. */
    public String demoDelete() {
      return "delete from conversations where id = '" + DEMO_CONVERSATIONS.get(1).value() + "';";
    }

    /** Stops the service, then the servers it used. */
    @Override
    public void close() {
      app.close();
      closeQuietly(servers);
    }

    public String userToken() {
      return sign(secret, new JWTClaimsSet.Builder().subject(DEMO_USER.toString()).audience("authenticated")
          .claim("role", "authenticated").issuer(ISSUER));
    }

    public String serviceToken() {
      return sign(secret, new JWTClaimsSet.Builder().issuer("supabase").claim("role", "service_role"));
    }

    /** The banner printed at start: where the data is, the tokens, and curl lines for every route. */
    public String banner() {
      String base = "http://localhost:" + app.port();
      String user = userToken();
      String auth = "-H \"Authorization: Bearer $TOKEN\"";
      String first = DEMO_CONVERSATIONS.get(0).value();
      String second = DEMO_CONVERSATIONS.get(1).value();
      return String.join("\n",
          "",
          "convo-archive is running in local mode on " + base,
          "  data (S3 objects, PostgreSQL, JWT secret) is kept in " + dataDirectory,
          "  demo user " + DEMO_USER + " has " + counted(liveDemoConversations(), "live conversation") + " and "
              + counted(archivedCount(), "archived"),
          "",
          "export TOKEN=" + user,
          "export SERVICE_TOKEN=" + serviceToken(),
          "",
          "curl -s -X POST " + auth + " " + base + "/v1/users/me/conversations/" + first + "/archive",
          "curl -s " + auth + " " + base + "/v1/users/me/archive",
          "curl -s " + auth + " '" + base + "/v1/users/me/archive?q=\"cold+storage\"+-warm'",
          "curl -s " + auth + " " + base + "/v1/users/me/archive/" + first,
          "curl -s " + auth + " " + base + "/v1/users/me/export",
          "curl -s -X POST " + auth + " " + base + "/v1/users/me/archive/" + first + "/restore",
          "curl -s -X POST " + auth + " " + base + "/v1/users/me/conversations/" + second + "/archive",
          "curl -s -X DELETE " + auth + " " + base + "/v1/users/me/archive/" + second,
          "curl -s -X POST " + auth + " " + base + "/v1/users/me/reindex",
          "curl -s -X DELETE " + auth + " " + base + "/v1/users/me/archive",
          "curl -s -H \"Authorization: Bearer $SERVICE_TOKEN\" " + base + "/v1/users/" + DEMO_USER + "/archive",
          "curl -s " + base + "/health/live",
          "curl -s " + base + "/health/ready",
          "curl -s " + base + "/metrics",
          "curl -s " + base + "/openapi.json",
          "",
          "Delete a conversation as the chat app would, with any PostgreSQL client: the capture kit copies it",
          "in the delete's own transaction and the sweeper archives it within seconds (see the page below):",
          "  psql '" + databaseUrl() + "' -c \"" + demoDelete() + "\"",
          "",
          "The demo user's \"Archived chats\" page (signed in by the link):",
          "  " + pageAddress(),
          "");
    }

    /** How many of the demo conversations are live now (what a person did last time stays done). */
    long liveDemoConversations() {
      LiveConversations live = app.liveConversations();
      return DEMO_CONVERSATIONS.stream().filter(id -> live.find(DEMO_USER, id).isPresent()).count();
    }

    /** How many conversations the demo user has archived now. */
    long archivedCount() {
      // One page: the demo user of a local try-out has far fewer than a page holds.
      return app.archiveService()
          .list(DEMO_USER, dev.convoarchive.domain.model.PageRequest.first(dev.convoarchive.domain.model.PageRequest.MAX_LIMIT))
          .items().size();
    }

    private static String counted(long n, String what) {
      return n + " " + what + (n == 1 || what.equals("archived") ? "" : "s");
    }

    /** The archive page, with the demo user's token in the fragment (which browsers never send). */
    public String pageAddress() {
      return "http://localhost:" + app.port() + "/archived-chats/#access_token=" + userToken();
    }
  }

  /**
   * Three demo conversations, loaded on the first start only, so that what a person archived,
   * restored or deleted stays that way across restarts. The third is archived at once, so the
   * "Archived chats" page has something to show.
   */
  static void seedDemoOnce(Path marker, LiveConversations live, ArchiveService service) throws IOException {
    if (Files.exists(marker)) {
      return;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 1; i <= DEMO_CONVERSATIONS.size(); i++) {
      ConversationId id = DEMO_CONVERSATIONS.get(i - 1);
      Instant started = now.minus(Duration.ofDays(10L * i));
      if (live.find(DEMO_USER, id).isEmpty()) {
        live.restore(new Conversation(id, DEMO_USER, "Demo conversation " + i, started, started.plusSeconds(60), List.of(
            new Message(UUID.nameUUIDFromBytes((id + "/1").getBytes(StandardCharsets.UTF_8)).toString(), Role.USER,
                "What is cold storage?", started, Map.of()),
            new Message(UUID.nameUUIDFromBytes((id + "/2").getBytes(StandardCharsets.UTF_8)).toString(), Role.ASSISTANT,
                "Cheap storage for data you rarely read.", started.plusSeconds(30), Map.of("model", "demo")))));
      }
    }
    ConversationId archived = DEMO_CONVERSATIONS.get(2);
    if (live.find(DEMO_USER, archived).isPresent()) {
      service.archive(DEMO_USER, archived);
    }
    Files.writeString(marker, now.toString(), StandardCharsets.UTF_8);
  }

  /**
   * The signing secret, readable by its owner only: anyone who can read it can sign a token for any
   * user of this service. Created with those permissions (never briefly wider), and a file a
   * previous version left wider is narrowed.
   */
  private static String secret(Path file) throws IOException {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (Files.exists(file)) {
      if (posix) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] random = new byte[48];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    if (posix) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    Files.writeString(file, secret, StandardCharsets.UTF_8);
    return secret;
  }

  private static String sign(String secret, JWTClaimsSet.Builder claims) {
    Instant now = Instant.now();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
          claims.issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(30)))).build());
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a demo token", e);
    }
  }

  private static void closeQuietly(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // start-up already failed; that failure is the one to report
      }
    }
  }
}
