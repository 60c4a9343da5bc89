package dev.convoarchive.domain.model;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.testing.Conversations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "A", "0", "conv_1-x", "3f1c2a9e-8b7d-4c5e-9a6b-1d2e3f4a5b6c"})
  void acceptsConversationIdsOfTheSafeAlphabet(String id) {
    assertThat(ConversationId.of(id).value()).isEqualTo(id);
  }

  @Test
  void acceptsTheLongestConversationId() {
    assertThat(ConversationId.of("a".repeat(128)).value()).hasSize(128);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-leading", "_leading", "a/b", "..", "../etc", "a%2Fb", "a b", " a", "a\tb",
      "a\nb", "a\u0000b", "é", "a.json", "_metadata", "ａ", "a\u202eb"})
  void rejectsConversationIdsThatCouldEscapeOrConfuse(String id) {
    assertThatThrownBy(() -> ConversationId.of(id))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("conversationId")
        .hasMessageContaining("letters, digits");
  }

  @Test
  void rejectsOverlongAndNullConversationIds() {
    assertThatThrownBy(() -> ConversationId.of("a".repeat(129))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ConversationId.of(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void errorMessagesDoNotEchoControlCharactersOrHugeValues() {
    assertThatThrownBy(() -> ConversationId.of("a\nb" + "x".repeat(10_000)))
        .hasMessageContaining("\\u000a")
        .hasMessageNotContaining("\n")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void userIdsAreCanonicalUuidsOrTextIdsOfASafeAlphabet() {
    String text = "3f1c2a9e-8b7d-4c5e-9a6b-1d2e3f4a5b6c";
    assertThat(UserId.parse(text).toString()).isEqualTo(text);
    assertThat(UserId.parse(text.toUpperCase())).isEqualTo(UserId.parse(text));
    assertThat(UserId.parse(text).isUuid()).isTrue();
    // Clerk's ids, as LobeChat keeps them, and other sign-in systems' text ids.
    assertThat(UserId.parse("user_2abcDEF123").toString()).isEqualTo("user_2abcDEF123");
    assertThat(UserId.parse("user_2abcDEF123").isUuid()).isFalse();
    assertThat(UserId.parse("42")).isEqualTo(new UserId("42"));
    for (String bad : new String[] {"", "me/..", "alice@example.com", "_x", "-x", "a b", "../" + text, "x".repeat(129),
        "ünï", "a%2F", null}) {
      assertThatThrownBy(() -> UserId.parse(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("UUID");
    }
  }

  @Test
  void rolesAreKeptAsTheAppSpellsThem() {
    assertThat(Role.parse("assistant")).isEqualTo(Role.ASSISTANT);
    assertThat(Role.parse("data").wireName()).isEqualTo("data"); // Zola's
    assertThat(Role.parse("ASSISTANT")).isNotEqualTo(Role.ASSISTANT);
    for (String bad : new String[] {"", "a\nb", "x".repeat(1001), null}) {
      assertThatThrownBy(() -> Role.parse(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("user, assistant, system, tool");
    }
  }

  @Test
  void messageMetadataIsDeeplyCopiedAndLimitedToJsonValues() {
    List<Object> list = new ArrayList<>(List.of("a"));
    Map<String, Object> metadata = new HashMap<>();
    metadata.put("list", list);
    Message message = new Message("m1", Role.USER, "hi", T0, metadata);
    list.add("b");
    assertThat(message.metadata().get("list")).isEqualTo(List.of("a"));
    assertThatThrownBy(() -> message.metadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);

    assertThatThrownBy(() -> new Message("m1", Role.USER, "hi", T0, Map.of("when", Instant.now())))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("message.metadata.when");
  }

  @Test
  void timestampsAreKeptToTheMicrosecond() {
    Instant nanos = Instant.parse("2026-01-01T00:00:00.123456789Z");
    assertThat(new Message("m", Role.USER, "", nanos).createdAt()).isEqualTo("2026-01-01T00:00:00.123456Z");
  }

  @Test
  void conversationsRejectDuplicateMessageIds() {
    Message m = new Message("same", Role.USER, "x", T0);
    assertThatThrownBy(() -> new Conversation(Conversations.newId(), UserId.random(), "t", T0, T0, List.of(m, m)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("appears twice");
  }

  @Test
  void missingRequiredFieldsNameTheField() {
    assertThatThrownBy(() -> new Conversation(null, UserId.random(), "t", T0, T0, List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("conversation.id");
    assertThatThrownBy(() -> new Message("m", null, "x", T0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("message.role");
  }

  @Test
  void pageRequestsAcceptOneToOneThousand() {
    assertThat(PageRequest.parse(null, null)).isEqualTo(new PageRequest(100, null));
    assertThat(PageRequest.parse("1", null).limit()).isEqualTo(1);
    assertThat(PageRequest.parse("1000", null).limit()).isEqualTo(1000);
    for (String bad : new String[] {"0", "-1", "1001", "abc", "", "1.5", "99999999999"}) {
      assertThatThrownBy(() -> PageRequest.parse(bad, null)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    }
  }

  @Test
  void cursorsRoundTripAndRejectForgeries() {
    Cursor cursor = new Cursor(T0, ConversationId.of("abc"));
    assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    for (String bad : new String[] {"", "abc", "!!!", "YzF8MXwyfC4u", "YzJ8MXwyfGFiYw", "YzF8eHwyfGFiYw"}) {
      assertThatThrownBy(() -> Cursor.decode(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("cursor");
    }
  }

  /** However a reader parsed a fraction (double or decimal), copies compare equal and keep its digits. */
  @Test
  void fractionsAreHeldAsTheDecimalsTheyWereWrittenAs() {
    Message asDouble = new Message("m1", Role.USER, "hi", T0, Map.of("temperature", 0.7));
    Message asDecimal = new Message("m1", Role.USER, "hi", T0, Map.of("temperature", new java.math.BigDecimal("0.7")));
    assertThat(asDouble).isEqualTo(asDecimal);
    assertThat(asDouble.metadata().get("temperature")).isEqualTo(new java.math.BigDecimal("0.7"));
    assertThatThrownBy(() -> new Message("m1", Role.USER, "hi", T0, Map.of("x", Double.NaN)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("message.metadata.x");
  }

  @Test
  void extraColumnsAreJsonValuesCopiedDeeplyAndPartOfEquality() {
    Map<String, Object> columns = new HashMap<>();
    List<Object> paths = new ArrayList<>(List.of("a.png"));
    columns.put("image_paths", paths);
    columns.put("updated_at", null);
    Conversation conversation = new Conversation(ConversationId.of("c1"), UserId.random(), "t", T0, T0, List.of(),
        columns);
    paths.add("b.png");
    assertThat(conversation.extraColumns().get("image_paths")).isEqualTo(List.of("a.png"));
    assertThat(conversation.extraColumns()).containsEntry("updated_at", null);
    assertThat(conversation).isNotEqualTo(new Conversation(conversation.id(), conversation.owner(), "t", T0, T0, List.of()));
    assertThatThrownBy(() -> new Conversation(ConversationId.of("c1"), UserId.random(), "t", T0, T0, List.of(),
        Map.of("when", Instant.EPOCH))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("conversation.extraColumns.when");
  }
}
