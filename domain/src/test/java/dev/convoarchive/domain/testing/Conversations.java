package dev.convoarchive.domain.testing;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test conversations. Ids are UUID strings, so the same fixtures work on stores whose id columns
 * are {@code uuid} as well as {@code text}.
 */
public final class Conversations {

  /** A fixed, microsecond-precise moment so that copies compare equal across stores. */
  public static final Instant T0 = Instant.parse("2026-01-15T10:15:30.123456Z");

  private Conversations() {}

  public static ConversationId newId() {
    return ConversationId.of(UUID.randomUUID().toString());
  }

  public static String newMessageId() {
    return UUID.randomUUID().toString();
  }

  /** A plain conversation with {@code messageCount} short messages a second apart. */
  public static Conversation sample(UserId owner, int messageCount) {
    return sample(owner, newId(), messageCount);
  }

  public static Conversation sample(UserId owner, ConversationId id, int messageCount) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < messageCount; i++) {
      messages.add(new Message(newMessageId(), i % 2 == 0 ? Role.USER : Role.ASSISTANT,
          "message " + i + " of " + id, T0.plusSeconds(i)));
    }
    return new Conversation(id, owner, "Conversation " + id, T0, T0.plusSeconds(messageCount), messages);
  }

  /**
   * Every field exercised: unicode, an empty and a 1 MB message, all roles, and nested metadata
   * of every JSON type. Messages are in created order.
   */
  public static Conversation rich(UserId owner) {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("provider", "anthropic");
    nested.put("tokens", 1234);
    nested.put("temperature", 0.7);
    nested.put("cached", true);
    nested.put("nothing", null);
    nested.put("tags", List.of("a", "β", 3));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("model", "claude");
    metadata.put("usage", nested);
    metadata.put("big", 9_007_199_254_740_993L);
    metadata.put("emoji 🎉", "ключ");

    String megabyte = "x".repeat(1024 * 1024 - 3) + "日本語".substring(0, 1);
    List<Message> messages = List.of(
        new Message(newMessageId(), Role.SYSTEM, "You are helpful. Ünïcödé ✓ 中文 עברית 🚀", T0, metadata),
        new Message(newMessageId(), Role.USER, "", T0.plusMillis(1)),
        new Message(newMessageId(), Role.ASSISTANT, megabyte, T0.plusMillis(2), Map.of("k", List.of(Map.of("deep", 1)))),
        new Message(newMessageId(), Role.TOOL, "{\"json\": \"in content\", \"quote\": \"\\\"\"}\n\ttabs", T0.plusSeconds(3)));
    return new Conversation(newId(), owner, "Tïtle with émoji 😀 and \"quotes\" / slashes", T0,
        T0.plus(Duration.ofMinutes(5)), messages);
  }

  /** The same conversation with one more message at the end. */
  public static Conversation withOneMoreMessage(Conversation conversation) {
    List<Message> messages = new ArrayList<>(conversation.messages());
    Instant at = conversation.updatedAt().plusSeconds(1);
    messages.add(new Message(newMessageId(), Role.USER, "one more", at));
    return new Conversation(conversation.id(), conversation.owner(), conversation.title(),
        conversation.createdAt(), at, messages);
  }

  public static ArchivedConversation archived(Conversation conversation, Instant archivedAt) {
    return new ArchivedConversation(conversation, archivedAt);
  }
}
