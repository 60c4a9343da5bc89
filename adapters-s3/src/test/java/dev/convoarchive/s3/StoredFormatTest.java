package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** What lands in the bucket: keys, encoding, and formats that older and newer code can both read. */
class StoredFormatTest {

  private final S3Client client = S3TestServer.newClient();
  private final UserId owner = UserId.random();

  @AfterEach
  void close() {
    client.close();
  }

  private S3Archive archive(StorageVariant variant, Compression compression) {
    return S3ArchiveModule.create(client, S3TestServer.config().withVariant(variant).withCompression(compression),
        ConflictListener.NONE);
  }

  private ResponseBytes<GetObjectResponse> raw(String key) {
    return client.getObjectAsBytes(b -> b.bucket(S3TestServer.BUCKET).key(key));
  }

  @Test
  void perFileWritesOneGzippedObjectPerConversationAndAnIndexBesideIt() {
    Conversation c = Conversations.sample(owner, 2);
    archive(StorageVariant.PER_FILE_S3_INDEX, Compression.GZIP).store(new ArchivedConversation(c, T0));

    String base = "archived_conversations/" + owner + "/";
    ResponseBytes<GetObjectResponse> object = raw(base + c.id() + ".json");
    assertThat(object.response().contentEncoding()).isEqualTo("gzip");
    assertThat(object.asByteArray()[0] & 0xff).isEqualTo(0x1f);
    assertThat(raw(base + "_metadata.json").response().contentEncoding()).isEqualTo("gzip");
  }

  @Test
  void perFileStoresTheApisRepresentationAndHandsItOutAsStored() throws Exception {
    Conversation c = Conversations.rich(owner);
    S3Archive archive = archive(StorageVariant.PER_FILE_S3_INDEX, Compression.GZIP);
    archive.store(new ArchivedConversation(c, T0));
    ResponseBytes<GetObjectResponse> stored = raw("archived_conversations/" + owner + "/" + c.id() + ".json");

    JsonNode json = new ObjectMapper().readTree(new GZIPInputStream(stored.asInputStream()));
    assertThat(fieldNames(json)).containsExactly("id", "userId", "title", "createdAt", "updatedAt", "archivedAt",
        "formatVersion", "messages");
    assertThat(json.get("formatVersion").asInt()).isEqualTo(2);
    assertThat(json.get("userId").asText()).isEqualTo(owner.toString());
    assertThat(json.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(json.at("/messages/1/metadata").isObject()).as("metadata shown even when empty").isTrue();

    try (ArchivedDocument document = archive.document(owner, c.id()).orElseThrow()) {
      assertThat(document.gzipped()).isTrue();
      assertThat(document.version()).isEqualTo(stored.response().eTag());
      assertThat(document.length()).isEqualTo(stored.asByteArray().length);
      assertThat(document.body().readAllBytes()).isEqualTo(stored.asByteArray());
    }
    assertThat(archive.document(owner, Conversations.newId())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void formatOneObjectsAreStillReadAndHandedOutInFormatTwo(Compression compression) throws Exception {
    Conversation c = Conversations.rich(owner);
    S3Archive archive = archive(StorageVariant.PER_FILE_S3_INDEX, compression);
    String key = "archived_conversations/" + owner + "/" + c.id() + ".json";
    // What the code before format 2 wrote: the conversation nested, every map left out when empty.
    byte[] formatOne = ArchiveJson.MAPPER.writeValueAsBytes(new ConversationFormat.Nested(c, T0, 1));
    assertThat(new String(formatOne, StandardCharsets.UTF_8)).startsWith("{\"conversation\":{\"id\":");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(gzipIf(compression, formatOne)));

    ArchivedConversation found = archive.find(owner, c.id()).orElseThrow();
    assertThat(found.conversation()).isEqualTo(c);
    assertThat(found.formatVersion()).isEqualTo(1);
    try (ArchivedDocument document = archive.document(owner, c.id()).orElseThrow()) {
      assertThat(document.gzipped()).isFalse();
      byte[] json = document.body().readAllBytes();
      assertThat(json).isEqualTo(ArchiveJson.encode(new ArchivedConversation(c, T0), false));
      assertThat(document.length()).isEqualTo(json.length);
    }
  }

  @Test
  void singleFileHandsOutEachConversationInTheApisRepresentation() throws Exception {
    Conversation first = Conversations.sample(owner, 2);
    Conversation second = Conversations.rich(owner);
    S3Archive archive = archive(StorageVariant.SINGLE_FILE, Compression.GZIP);
    archive.store(new ArchivedConversation(first, T0));
    archive.store(new ArchivedConversation(second, T0.plusSeconds(1)));

    try (ArchivedDocument document = archive.document(owner, second.id()).orElseThrow()) {
      assertThat(document.body().readAllBytes())
          .isEqualTo(ArchiveJson.encode(new ArchivedConversation(second, T0.plusSeconds(1)), false));
    }
    try (Stream<ArchivedDocument> documents = archive.documents(owner)) {
      assertThat(documents.map(StoredFormatTest::text).toList()).hasSize(2)
          .allSatisfy(json -> assertThat(json).startsWith("{\"id\":").contains("\"formatVersion\":2"));
    }
  }

  private static String text(ArchivedDocument document) {
    try (document) {
      return new String(document.body().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzipIf(Compression compression, byte[] bytes) throws IOException {
    if (compression == Compression.NONE) {
      return bytes;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void singleFileWritesOneObjectPerUser() {
    Conversation c = Conversations.sample(owner, 2);
    archive(StorageVariant.SINGLE_FILE, Compression.NONE).store(new ArchivedConversation(c, T0));

    String json = raw("archived_conversations/" + owner + ".json").asUtf8String();
    assertThat(json).startsWith("{\"formatVersion\":1,\"entries\":[").contains("\"conversations\":[{\"id\":\"" + c.id());
  }

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, mode = EnumSource.Mode.EXCLUDE, names = "PER_FILE_POSTGRES_INDEX")
  void eachEncodingReadsWhatTheOtherWrote(StorageVariant variant) {
    Conversation gzipped = Conversations.sample(owner, 1);
    Conversation plain = Conversations.sample(owner, 2);
    archive(variant, Compression.GZIP).store(new ArchivedConversation(gzipped, T0));
    archive(variant, Compression.NONE).store(new ArchivedConversation(plain, T0.plusSeconds(1)));

    for (Compression reader : Compression.values()) {
      S3Archive archive = archive(variant, reader);
      assertThat(archive.find(owner, gzipped.id()).orElseThrow().conversation()).isEqualTo(gzipped);
      assertThat(archive.find(owner, plain.id()).orElseThrow().conversation()).isEqualTo(plain);
      assertThat(archive.list(owner, PageRequest.first(10)).items()).hasSize(2);
    }
  }

  @Test
  void unknownFieldsFromANewerWriterAreIgnored() {
    Conversation c = Conversations.sample(owner, 1);
    S3Archive archive = archive(StorageVariant.PER_FILE_S3_INDEX, Compression.NONE);
    String key = "archived_conversations/" + owner + "/" + c.id() + ".json";
    String json = new String(ArchiveJson.encode(new ArchivedConversation(c, T0), false), StandardCharsets.UTF_8);
    String newer = json.replaceFirst("\\{", "{\"addedLater\":{\"x\":[1,2]},")
        .replace("\"role\":\"user\"", "\"role\":\"user\",\"reactions\":[\"+1\"]");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromString(newer));

    assertThat(archive.find(owner, c.id()).orElseThrow().conversation()).isEqualTo(c);
  }

  @Test
  void singleFileRetrievalSkipsOtherConversationsWithoutBuildingThem() {
    Conversation wanted = Conversations.sample(owner, 2);
    Conversation other = Conversations.sample(owner, 2);
    S3Archive archive = archive(StorageVariant.SINGLE_FILE, Compression.NONE);
    archive.store(new ArchivedConversation(other, T0));
    archive.store(new ArchivedConversation(wanted, T0.plusSeconds(1)));
    String key = "archived_conversations/" + owner + ".json";
    // Damage the conversation stored first: a reader that built it would fail on it.
    String file = raw(key).asUtf8String().replaceFirst("\"role\":\"user\"", "\"role\":\"not-a-role\"");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromString(file));

    assertThat(archive.find(owner, wanted.id()).orElseThrow().conversation()).isEqualTo(wanted);
  }
}
