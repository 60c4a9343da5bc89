package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A conversation with all its messages, in the order the live store gives them. {@code
 * extraColumns} holds the app's other columns of the conversation row (name to JSON value), which
 * this service does not read but keeps, so that a restore puts them back.
 */
public record Conversation(
    ConversationId id, UserId owner, String title, Instant createdAt, Instant updatedAt, List<Message> messages,
    Map<String, Object> extraColumns) {

  public Conversation {
    id = Validation.required(id, "conversation.id");
    owner = Validation.required(owner, "conversation.owner");
    title = title == null ? "" : title;
    createdAt = Timestamps.normalize(createdAt, "conversation.createdAt");
    updatedAt = Timestamps.normalize(updatedAt, "conversation.updatedAt");
    messages = List.copyOf(Validation.required(messages, "conversation.messages"));
    extraColumns = JsonValues.copyObject(extraColumns, "conversation.extraColumns");
    Set<String> seen = new HashSet<>();
    for (Message message : messages) {
      if (!seen.add(message.id())) {
        throw new InvalidInputException("conversation.messages",
            "message id " + InvalidInputException.quote(message.id()) + " appears twice");
      }
    }
  }

  public Conversation(
      ConversationId id, UserId owner, String title, Instant createdAt, Instant updatedAt, List<Message> messages) {
    this(id, owner, title, createdAt, updatedAt, messages, Map.of());
  }

  public Set<String> messageIds() {
    return messages.stream().map(Message::id).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * True when this copy holds every message of {@code other}, so replacing {@code other} by this
   * one drops nothing.
   */
  public boolean containsAllMessagesOf(Conversation other) {
    return messageIds().containsAll(other.messageIds());
  }
}
