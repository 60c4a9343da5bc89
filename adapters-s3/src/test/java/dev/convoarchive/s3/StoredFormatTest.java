package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import java.nio.charset.StandardCharsets;
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

  private S3Archive archive(ArchiveLayout layout, Compression compression) {
    return S3ArchiveModule.create(client, S3TestServer.config().withLayout(layout).withCompression(compression),
        ConflictListener.NONE);
  }

  private ResponseBytes<GetObjectResponse> raw(String key) {
    return client.getObjectAsBytes(b -> b.bucket(S3TestServer.BUCKET).key(key));
  }

  @Test
  void perFileWritesOneGzippedObjectPerConversationAndAnIndexBesideIt() {
    Conversation c = Conversations.sample(owner, 2);
    archive(ArchiveLayout.PER_FILE, Compression.GZIP).store(new ArchivedConversation(c, T0));

    String base = "archived_conversations/" + owner + "/";
    ResponseBytes<GetObjectResponse> object = raw(base + c.id() + ".json");
    assertThat(object.response().contentEncoding()).isEqualTo("gzip");
    assertThat(object.asByteArray()[0] & 0xff).isEqualTo(0x1f);
    assertThat(raw(base + "_metadata.json").response().contentEncoding()).isEqualTo("gzip");
  }

  @Test
  void singleFileWritesOneObjectPerUser() {
    Conversation c = Conversations.sample(owner, 2);
    archive(ArchiveLayout.SINGLE_FILE, Compression.NONE).store(new ArchivedConversation(c, T0));

    String json = raw("archived_conversations/" + owner + ".json").asUtf8String();
    assertThat(json).startsWith("{\"formatVersion\":1,\"entries\":[").contains("\"conversations\":[{\"id\":\"" + c.id());
  }

  @ParameterizedTest
  @EnumSource(ArchiveLayout.class)
  void eachEncodingReadsWhatTheOtherWrote(ArchiveLayout layout) {
    Conversation gzipped = Conversations.sample(owner, 1);
    Conversation plain = Conversations.sample(owner, 2);
    archive(layout, Compression.GZIP).store(new ArchivedConversation(gzipped, T0));
    archive(layout, Compression.NONE).store(new ArchivedConversation(plain, T0.plusSeconds(1)));

    for (Compression reader : Compression.values()) {
      S3Archive archive = archive(layout, reader);
      assertThat(archive.find(owner, gzipped.id()).orElseThrow().conversation()).isEqualTo(gzipped);
      assertThat(archive.find(owner, plain.id()).orElseThrow().conversation()).isEqualTo(plain);
      assertThat(archive.list(owner, PageRequest.first(10)).items()).hasSize(2);
    }
  }

  @Test
  void unknownFieldsFromANewerWriterAreIgnored() {
    Conversation c = Conversations.sample(owner, 1);
    S3Archive archive = archive(ArchiveLayout.PER_FILE, Compression.NONE);
    String key = "archived_conversations/" + owner + "/" + c.id() + ".json";
    String json = new String(ArchiveJson.encode(new ArchivedConversation(c, T0), Compression.NONE), StandardCharsets.UTF_8);
    String newer = json.replaceFirst("\\{", "{\"addedLater\":{\"x\":[1,2]},")
        .replace("\"role\":\"user\"", "\"role\":\"user\",\"reactions\":[\"+1\"]");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromString(newer));

    assertThat(archive.find(owner, c.id()).orElseThrow().conversation()).isEqualTo(c);
  }

  @Test
  void singleFileRetrievalSkipsOtherConversationsWithoutBuildingThem() {
    Conversation wanted = Conversations.sample(owner, 2);
    Conversation other = Conversations.sample(owner, 2);
    S3Archive archive = archive(ArchiveLayout.SINGLE_FILE, Compression.NONE);
    archive.store(new ArchivedConversation(other, T0));
    archive.store(new ArchivedConversation(wanted, T0.plusSeconds(1)));
    String key = "archived_conversations/" + owner + ".json";
    // Damage the conversation stored first: a reader that built it would fail on it.
    String file = raw(key).asUtf8String().replaceFirst("\"role\":\"user\"", "\"role\":\"not-a-role\"");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromString(file));

    assertThat(archive.find(owner, wanted.id()).orElseThrow().conversation()).isEqualTo(wanted);
  }
}
