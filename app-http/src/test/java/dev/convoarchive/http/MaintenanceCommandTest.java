package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The operator's commands: rebuilding an index from the bucket, moving it between S3 and PostgreSQL, removing orphans. */
class MaintenanceCommandTest {

  private static final Tokens tokens = Tokens.shared();
  /** A prefix of its own, so that rebuilding every user's index touches only this test's. */
  private final String prefix = "maintenance-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private AppConfig config(StorageVariant variant) {
    AppConfig base = TestService.config(variant, tokens);
    return new AppConfig(0, base.s3().withPrefix(prefix), base.database(), base.auth(), base.dataDirectory(),
        base.maxBodyBytes(), false, SweepConfig.off(), base.web());
  }

  private int rebuild(StorageVariant variant) {
    out.reset();
    return MaintenanceCommand.rebuildIndex(config(variant), new PrintStream(out, true, StandardCharsets.UTF_8),
        S3ArchiveModule.withCredentials(EmbeddedS3.credentials()));
  }

  private static Set<String> listed(TestService service, String token) throws Exception {
    JsonNode page = Json.json(service.send("GET", "/v1/users/me/archive?limit=1000", token));
    Set<String> ids = new TreeSet<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  @Test
  void rebuildIndexRecoversALostPostgresIndexAndMovesAnIndexBetweenS3AndPostgres() throws Exception {
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    List<Conversation> conversations = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Conversation c = Conversations.sample(user, 2);
      TestStores.live().restore(c);
      conversations.add(c);
    }
    Set<String> all = conversations.stream().map(c -> c.id().value()).collect(Collectors.toCollection(TreeSet::new));

    // Archived with the S3 index ...
    try (TestService s3Index = TestService.start(config(StorageVariant.PER_FILE_S3_INDEX), List.of())) {
      for (Conversation c : conversations) {
        assertThat(s3Index.send("POST", "/v1/users/me/conversations/" + c.id() + "/archive", token).statusCode()).isEqualTo(201);
      }
    }
    // ... moved into PostgreSQL by one command ...
    assertThat(rebuild(StorageVariant.PER_FILE_POSTGRES_INDEX)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("rebuilt the index of 1 users: 3 entries");
    try (TestService database = TestService.start(config(StorageVariant.PER_FILE_POSTGRES_INDEX), List.of())) {
      assertThat(listed(database, token)).isEqualTo(all);
      // ... changed there (the S3 index object is now stale) ...
      assertThat(database.send("DELETE", "/v1/users/me/archive/" + conversations.get(0).id(), token).statusCode()).isEqualTo(204);

      // ... the PostgreSQL rows lost in a disaster, and rebuilt from the bucket.
      try (Connection connection = TestStores.pool().getConnection();
          PreparedStatement delete = connection.prepareStatement("delete from convo_archive.archive_catalog where user_id = ?")) {
        delete.setString(1, user.toString());
        assertThat(delete.executeUpdate()).isEqualTo(2);
      }
      assertThat(listed(database, token)).isEmpty();
      assertThat(rebuild(StorageVariant.PER_FILE_POSTGRES_INDEX)).isZero();
      assertThat(listed(database, token)).isEqualTo(all.stream().filter(id -> !id.equals(conversations.get(0).id().value()))
          .collect(Collectors.toCollection(TreeSet::new)));
    }
    // And back to the S3 index, whose stale object the rebuild corrects.
    assertThat(rebuild(StorageVariant.PER_FILE_S3_INDEX)).isZero();
    try (TestService s3Index = TestService.start(config(StorageVariant.PER_FILE_S3_INDEX), List.of())) {
      assertThat(listed(s3Index, token)).hasSize(2).doesNotContain(conversations.get(0).id().value());
    }
  }

  /**
   * Conversations archived before search (no search document) are indexed by rebuild-index, and
   * a second run finds nothing left to do: each document is committed on its own, so a run cut
   * short resumes.
   */
  @Test
  void rebuildIndexWritesTheSearchDocumentsOfConversationsArchivedBeforeSearch() throws Exception {
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    String word = "quokka" + Long.toHexString(System.nanoTime());
    List<String> ids = new ArrayList<>();
    try (TestService service = TestService.start(config(StorageVariant.PER_FILE_POSTGRES_INDEX), List.of())) {
      for (int i = 0; i < 3; i++) {
        Conversation sample = Conversations.sample(user, 2);
        Conversation c = new Conversation(sample.id(), user, "Notes " + i, sample.createdAt(), sample.updatedAt(),
            List.of(sample.messages().get(0), new dev.convoarchive.domain.model.Message(Conversations.newMessageId(),
                dev.convoarchive.domain.model.Role.ASSISTANT, "We saw a " + word + " on the island.", Conversations.T0)));
        TestStores.live().restore(c);
        assertThat(service.send("POST", "/v1/users/me/conversations/" + c.id() + "/archive", token).statusCode()).isEqualTo(201);
        ids.add(c.id().value());
      }
      try (Connection connection = TestStores.pool().getConnection(); PreparedStatement forget = connection.prepareStatement(
          "update convo_archive.archive_catalog set search_text = null, search_vector = null, search_config = null"
              + " where user_id = ?")) {
        forget.setString(1, user.toString());
        assertThat(forget.executeUpdate()).as("as if archived before search existed").isEqualTo(3);
      }
      assertThat(Json.json(service.send("GET", "/v1/users/me/archive?q=" + word, token)).get("items")).isEmpty();

      assertThat(rebuild(StorageVariant.PER_FILE_POSTGRES_INDEX)).isZero();
      String report = out.toString(StandardCharsets.UTF_8);
      assertThat(report).contains("search: indexed").contains("/");
      JsonNode found = Json.json(service.send("GET", "/v1/users/me/archive?q=" + word, token)).get("items");
      assertThat(found.findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);

      assertThat(rebuild(StorageVariant.PER_FILE_POSTGRES_INDEX)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("search: every conversation is indexed");
    }
  }

  @Test
  void removeOrphansReportsWhatItRemovedAndRefusesABadAge() {
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(MaintenanceCommand.removeOrphans(config(StorageVariant.PER_FILE_POSTGRES_INDEX), "yesterday", print)).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ISO-8601 duration such as PT24H");

    out.reset();
    assertThat(MaintenanceCommand.removeOrphans(config(StorageVariant.PER_FILE_POSTGRES_INDEX), "PT1H", print,
        S3ArchiveModule.withCredentials(EmbeddedS3.credentials()))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("removed 0 orphaned objects older than PT1H");
  }

  @Test
  void theCommandsNeedAConfiguredBucketAndDatabase() {
    AppConfig local = AppConfig.load(Map.of(), new Properties());
    assertThat(MaintenanceCommand.rebuildIndex(local, new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("set S3_BUCKET and SUPABASE_DB_URL");
  }
}
