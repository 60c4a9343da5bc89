package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A conversation with all its messages, in the order the live store gives them.
 *
 * <p>{@code liveRows}, when not empty, is the live database's own record of the conversation: every
 * row of every table it owns, as the database holds them (a JSON object whose shape the live
 * adapter defines). It is the truth a restore writes back; title, times and messages are then a
 * view of it for people and the API. {@code extraColumns} is the older, narrower record (the
 * app's other columns of the conversation row), still read from archives written before rows were.
 */
public record Conversation(
    ConversationId id, UserId owner, String title, Instant createdAt, Instant updatedAt, List<Message> messages,
    Map<String, Object> extraColumns, Map<String, Object> liveRows) {

  public Conversation {
    id = Validation.required(id, "conversation.id");
    owner = Validation.required(owner, "conversation.owner");
    title = title == null ? "" : title;
    createdAt = Timestamps.normalize(createdAt, "conversation.createdAt");
    updatedAt = Timestamps.normalize(updatedAt, "conversation.updatedAt");
    messages = List.copyOf(Validation.required(messages, "conversation.messages"));
    extraColumns = JsonValues.copyObject(extraColumns, "conversation.extraColumns");
    liveRows = JsonValues.copyObject(liveRows, "conversation.liveRows");
    Set<String> seen = new HashSet<>();
    for (Message message : messages) {
      if (!seen.add(message.id())) {
        throw new InvalidInputException("conversation.messages",
            "message id " + InvalidInputException.quote(message.id()) + " appears twice");
      }
    }
  }

  public Conversation(
      ConversationId id, UserId owner, String title, Instant createdAt, Instant updatedAt, List<Message> messages,
      Map<String, Object> extraColumns) {
    this(id, owner, title, createdAt, updatedAt, messages, extraColumns, Map.of());
  }

  public Conversation(
      ConversationId id, UserId owner, String title, Instant createdAt, Instant updatedAt, List<Message> messages) {
    this(id, owner, title, createdAt, updatedAt, messages, Map.of(), Map.of());
  }

  /** True when this copy carries the live database's rows, which a restore writes back as they were. */
  public boolean hasLiveRows() {
    return !liveRows.isEmpty();
  }

  /** This view without the live rows: what a person sees of it. */
  public Conversation withoutLiveRows() {
    return new Conversation(id, owner, title, createdAt, updatedAt, messages, extraColumns, Map.of());
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
