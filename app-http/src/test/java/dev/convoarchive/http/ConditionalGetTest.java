package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.ArchiveLayout;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An archived conversation's answer carries an ETag; asking again with it costs a 304 and no body. */
class ConditionalGetTest {

  private static final Tokens tokens = Tokens.shared();
  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(ArchiveLayout.PER_FILE);
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
}
