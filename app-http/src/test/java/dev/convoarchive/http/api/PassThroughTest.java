package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Retrieve and export pass the stored document on: its bytes as stored (gzip) to a client that
 * takes gzip, inflated on the fly for one that does not, the same JSON either way, in memory that
 * does not grow with the conversation.
 */
class PassThroughTest {

  private static final Logger LOG = LoggerFactory.getLogger(PassThroughTest.class);
  private static final Tokens tokens = Tokens.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private final UserId user = UserId.random();
  private final String token = tokens.hs256(tokens.userClaims(user));

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void retrieveAndExportAnswerTheStoredDocument(StorageVariant variant) throws Exception {
    try (TestService service = TestService.start(variant, tokens); S3Client s3 = TestStores.s3Client()) {
      Conversation rich = Conversations.rich(user);
      Conversation plain = Conversations.sample(user, 3);
      archive(service, rich);
      archive(service, plain);
      String path = "/v1/users/me/archive/" + rich.id();

      HttpResponse<byte[]> identity = get(service, path, null);
      HttpResponse<byte[]> gzip = get(service, path, "gzip, deflate");
      assertThat(identity.statusCode()).isEqualTo(200);
      assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(gzip.headers().firstValue("Content-Encoding")).contains("gzip");
      assertThat(gzip.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
      byte[] json = identity.body();
      assertThat(inflate(gzip.body())).as("the same JSON either way").isEqualTo(json);

      JsonNode answer = JSON.readTree(json);
      assertThat(answer.get("id").asText()).isEqualTo(rich.id().value());
      assertThat(answer.get("userId").asText()).isEqualTo(user.toString());
      assertThat(answer.get("formatVersion").asInt()).isEqualTo(2);
      assertThat(answer.get("messages")).hasSize(rich.messages().size());
      assertThat(answer.at("/messages/0/metadata/usage/tags/1").asText()).isEqualTo("β");

      if (variant != StorageVariant.SINGLE_FILE) {
        byte[] stored = s3.getObjectAsBytes(b -> b.bucket(TestStores.BUCKET)
            .key("archived_conversations/" + user + "/" + rich.id() + ".json")).asByteArray();
        assertThat(gzip.body()).as("the stored bytes, passed through").isEqualTo(stored);
        assertThat(gzip.headers().firstValueAsLong("Content-Length")).hasValue(stored.length);
        assertThat(json).isEqualTo(inflate(stored));
      }

      // Each coding has its tag, and each tag is 304 for its own coding.
      String identityTag = identity.headers().firstValue("ETag").orElseThrow();
      String gzipTag = gzip.headers().firstValue("ETag").orElseThrow();
      if (variant != StorageVariant.SINGLE_FILE) {
        assertThat(gzipTag).isNotEqualTo(identityTag);
      }
      assertThat(conditional(service, path, null, identityTag).statusCode()).isEqualTo(304);
      assertThat(conditional(service, path, "gzip", gzipTag).statusCode()).isEqualTo(304);

      HttpResponse<byte[]> export = get(service, "/v1/users/me/export", null);
      assertThat(export.statusCode()).isEqualTo(200);
      List<String> lines = List.of(new String(export.body(), StandardCharsets.UTF_8).split("\n"));
      assertThat(lines).hasSize(2).contains(new String(json, StandardCharsets.UTF_8));
      HttpResponse<byte[]> otherOne = get(service, "/v1/users/me/archive/" + plain.id(), null);
      assertThat(lines).contains(new String(otherOne.body(), StandardCharsets.UTF_8));
    }
  }

  /**
   * With the PostgreSQL index, the catalog is asked while the object is fetched: an object no row
   * names (left by a write a crash interrupted) is not answered, whatever it holds.
   */
  @Test
  void anObjectTheCatalogDoesNotListIsNotAnswered() throws Exception {
    try (TestService service = TestService.start(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens); S3Client s3 = TestStores.s3Client()) {
      Conversation archived = Conversations.sample(user, 2);
      archive(service, archived);
      String stored = "archived_conversations/" + user + "/" + archived.id() + ".json";
      byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(TestStores.BUCKET).key(stored)).asByteArray();
      String orphan = Conversations.newId().value();
      s3.putObject(b -> b.bucket(TestStores.BUCKET).key("archived_conversations/" + user + "/" + orphan + ".json")
          .contentEncoding("gzip"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));

      assertThat(get(service, "/v1/users/me/archive/" + orphan, "gzip").statusCode()).isEqualTo(404);
      assertThat(get(service, "/v1/users/me/archive/" + orphan, null).statusCode()).isEqualTo(404);
      assertThat(get(service, "/v1/users/me/archive/" + archived.id(), "gzip").statusCode()).isEqualTo(200);
    }
  }

  /**
   * A 6 MB conversation (incompressible, so gzip is as large) goes out in memory that does not
   * depend on it: the service's request threads allocate a small part of its size to answer it,
   * gzip passed through or inflated on the fly. Decoding and encoding it would allocate several
   * times its size.
   */
  @Test
  void aLargeConversationIsAnsweredWithoutHoldingIt() throws Exception {
    try (TestService service = TestService.start(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens)) {
      Conversation large = large(user, 6, 1024 * 1024);
      archive(service, large);
      String path = "/v1/users/me/archive/" + large.id();
      long size = get(service, path, null).body().length;
      assertThat(size).isGreaterThan(6L * 1024 * 1024);

      for (String acceptEncoding : new String[] {null, "gzip"}) {
        get(service, path, acceptEncoding); // warm: first use loads classes
        long before = requestThreadsAllocated();
        HttpResponse<byte[]> answer = get(service, path, acceptEncoding);
        long allocated = requestThreadsAllocated() - before;
        assertThat(answer.statusCode()).isEqualTo(200);
        LOG.warn("answering {} bytes of JSON ({}) allocated {} bytes on the request threads", size, acceptEncoding, allocated);
        assertThat(allocated).as("measured at all").isPositive();
        assertThat(allocated).as("bytes allocated by the request threads for %s, against %d of JSON", acceptEncoding, size)
            .isLessThan(size / 4);
      }
    }
  }

  private static Conversation large(UserId owner, int messages, int bytesEach) {
    Random random = new Random(7);
    Conversation sample = Conversations.sample(owner, messages);
    List<dev.convoarchive.domain.model.Message> big = new ArrayList<>();
    for (var m : sample.messages()) {
      byte[] noise = new byte[bytesEach * 3 / 4];
      random.nextBytes(noise);
      big.add(new dev.convoarchive.domain.model.Message(m.id(), m.role(), Base64.getEncoder().encodeToString(noise), m.createdAt()));
    }
    return new Conversation(sample.id(), owner, sample.title(), sample.createdAt(), sample.updatedAt(), big);
  }

  /** What the service's Jetty threads have allocated so far (the S3 client reads on them too). */
  private static long requestThreadsAllocated() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("JettyServerThreadPool")) {
        total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
      }
    }
    return total;
  }

  private void archive(TestService service, Conversation conversation) {
    TestStores.live().restore(conversation);
    assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
        .isEqualTo(201);
  }

  private HttpResponse<byte[]> get(TestService service, String path, String acceptEncoding) {
    return conditional(service, path, acceptEncoding, null);
  }

  private HttpResponse<byte[]> conditional(TestService service, String path, String acceptEncoding, String ifNoneMatch) {
    HttpRequest.Builder request = HttpRequest.newBuilder(service.base().resolve(path)).header("Authorization", "Bearer " + token);
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] inflate(byte[] gzip) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
