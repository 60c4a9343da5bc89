package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.ObjectKeys;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A stored object that no longer decodes is reported with its own code, naming no storage internals. */
class DamagedArchiveTest {

  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void anUndecodableObjectIsADamagedArchiveProblemWithoutItsKeyOrAStackTrace(StorageVariant variant) {
    try (TestService service = TestService.start(variant, tokens); S3Client s3 = TestStores.s3Client()) {
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      Conversation conversation = Conversations.sample(user, 2);
      TestStores.live().restore(conversation);
      String id = conversation.id().value();
      assertThat(service.send("POST", "/v1/users/me/conversations/" + id + "/archive", token).statusCode()).isEqualTo(201);

      List<String> stored = s3.listObjectsV2Paginator(b -> b.bucket(TestStores.BUCKET)
              .prefix(variant.userObjects(TestStores.s3Config(variant).prefix(), user)))
          .contents().stream().map(S3Object::key).filter(key -> !ObjectKeys.isIndex(key)).toList();
      assertThat(stored).hasSize(1);
      s3.putObject(b -> b.bucket(TestStores.BUCKET).key(stored.get(0)), RequestBody.fromString("{\"formatVersion\": 1, \"conv"));

      HttpResponse<String> got = service.send("GET", "/v1/users/me/archive/" + id, token);

      assertThat(got.statusCode()).as(got.body()).isEqualTo(500);
      assertThat(got.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(got.body()).contains("\"code\":\"damaged-archive\"")
          .doesNotContain(stored.get(0)).doesNotContain(TestStores.s3Config(variant).prefix())
          .doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
