package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.Compression;
import dev.convoarchive.s3.StorageVariant;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An archived conversation's answer carries an ETag; asking again with it costs a 304 and no body. */
class ConditionalGetTest {

  private static final Tokens tokens = Tokens.shared();
  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(StorageVariant.PER_FILE_POSTGRES_INDEX);
  private final UserId user = UserId.random();
  private final String token = tokens.hs256(tokens.userClaims(user));

  private HttpResponse<String> get(String method, String path, String ifNoneMatch) {
    HttpRequest.Builder request = HttpRequest.newBuilder(running.service().base().resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token);
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return running.service().send(request.build());
  }

  @Test
  void aCurrentETagIs304AndAnyOtherGetsTheConversation() {
    Conversation conversation = Conversations.sample(user, 3);
    TestStores.live().restore(conversation);
    String id = conversation.id().value();
    String path = "/v1/users/me/archive/" + id;
    assertThat(running.service().send("POST", "/v1/users/me/conversations/" + id + "/archive", token).statusCode())
        .isEqualTo(201);

    HttpResponse<String> first = get("GET", path, null);
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    assertThat(get("GET", path, null).headers().firstValue("ETag")).as("the same answer, the same tag").contains(etag);

    HttpResponse<String> notModified = get("GET", path, etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(notModified.headers().firstValue("ETag")).contains(etag);
    assertThat(get("GET", path, "\"other\", W/" + etag).statusCode()).as("weak comparison, in a list").isEqualTo(304);
    assertThat(get("GET", path, "*").statusCode()).isEqualTo(304);
    assertThat(get("HEAD", path, etag).statusCode()).isEqualTo(304);
    assertThat(get("GET", path, "\"other\"").statusCode()).isEqualTo(200);

    // Restored and archived again, it is another archived copy: the old tag no longer matches.
    assertThat(running.service().send("POST", path + "/restore", token).statusCode()).isEqualTo(200);
    assertThat(running.service().send("POST", "/v1/users/me/conversations/" + id + "/archive", token).statusCode())
        .isEqualTo(201);
    HttpResponse<String> again = get("GET", path, etag);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
  }

  @Test
  void anAbsentConversationIs404WhateverTheTag() {
    assertThat(get("GET", "/v1/users/me/archive/never-archived", "*").statusCode()).isEqualTo(404);
  }

  /**
   * Whatever the store holds (gzip as stored, or JSON the service compresses), each coding sent
   * has its own ETag: a cache must never take the gzip bytes for the identity ones.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gzip-stored", "plain-stored", "single-file"})
  void eachCodingSentHasItsOwnETag(String storage) throws Exception {
    AppConfig base = TestService.config(storage.equals("single-file") ? StorageVariant.SINGLE_FILE : StorageVariant.PER_FILE_POSTGRES_INDEX,
        tokens);
    AppConfig config = storage.equals("plain-stored")
        ? base.withStorage(base.s3().withCompression(Compression.NONE), base.database().orElseThrow()) : base;
    try (TestService service = TestService.start(config, List.of())) {
      Conversation conversation = Conversations.sample(user, 40); // well above any compression threshold
      TestStores.live().restore(conversation);
      String path = "/v1/users/me/archive/" + conversation.id().value();
      assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id().value() + "/archive", token)
          .statusCode()).isEqualTo(201);

      HttpResponse<byte[]> gzip = fetch(service, path, "gzip", null);
      HttpResponse<byte[]> identity = fetch(service, path, "identity", null);
      HttpResponse<byte[]> unasked = fetch(service, path, null, null);

      assertThat(gzip.headers().firstValue("Content-Encoding")).contains("gzip");
      assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(unasked.headers().firstValue("Content-Encoding")).isEmpty();
      String gzipTag = gzip.headers().firstValue("ETag").orElseThrow();
      String identityTag = identity.headers().firstValue("ETag").orElseThrow();
      assertThat(gzipTag).as("two codings, two tags").isNotEqualTo(identityTag);
      assertThat(unasked.headers().firstValue("ETag")).contains(identityTag);
      assertThat(new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes()).isEqualTo(identity.body());
      assertThat(gzip.headers().allValues("Vary")).anyMatch(v -> v.contains("Accept-Encoding"));

      assertThat(fetch(service, path, "gzip", gzipTag).statusCode()).isEqualTo(304);
      assertThat(fetch(service, path, "identity", identityTag).statusCode()).isEqualTo(304);
      assertThat(fetch(service, path, "identity", gzipTag).statusCode()).as("the gzip tag does not name identity bytes")
          .isEqualTo(200);
      assertThat(fetch(service, path, "gzip", identityTag).statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<byte[]> fetch(TestService service, String path, String acceptEncoding, String ifNoneMatch)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(service.base().resolve(path)).header("Authorization", "Bearer " + token);
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
