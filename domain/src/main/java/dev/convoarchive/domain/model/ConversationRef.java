package dev.convoarchive.domain.model;

import java.util.Objects;

/** A conversation named by its owner and id: what a grouped move is given before it reads anything. */
public record ConversationRef(UserId owner, ConversationId id) {

  public ConversationRef {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(id, "id");
  }

  public static ConversationRef of(Conversation conversation) {
    return new ConversationRef(conversation.owner(), conversation.id());
  }

  @Override
  public String toString() {
    return owner + "/" + id;
  }
}
