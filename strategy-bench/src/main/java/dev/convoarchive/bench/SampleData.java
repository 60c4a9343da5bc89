package dev.convoarchive.bench;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Conversations of about 10 KB of JSON (the size the comparison assumed): ten messages of
 * varied words, so gzip compresses them as it would real chat, not a repeated letter.
 */
final class SampleData {

  private static final String[] WORDS = ("the a archive conversation message storage cheap cold bucket object user "
      + "restore delete list index file lock write read request latency cost month byte model answer question why how "
      + "because data cloud server client retry conflict version compress stream parse memory json gzip").split(" ");
  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final Random random;

  SampleData(long seed) {
    this.random = new Random(seed);
  }

  ArchivedConversation archived(UserId owner, Instant archivedAt) {
    return new ArchivedConversation(conversation(owner), archivedAt);
  }

  Conversation conversation(UserId owner) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      messages.add(new Message(UUID.randomUUID().toString(), i % 2 == 0 ? Role.USER : Role.ASSISTANT, words(150),
          EPOCH.plusSeconds(i), Map.of("tokens", 150 + i)));
    }
    return new Conversation(ConversationId.of(UUID.randomUUID().toString()), owner, words(6), EPOCH, EPOCH.plusSeconds(10),
        messages);
  }

  private String words(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }
}
