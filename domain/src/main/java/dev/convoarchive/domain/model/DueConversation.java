package dev.convoarchive.domain.model;

import java.util.Objects;

/**
 * A conversation due for the archive, by owner and id, and why: the app deleted it (captured in
 * its delete transaction, or marked by the retired soft-delete kit), or it has been inactive long
 * enough (cold tiering).
 */
public record DueConversation(UserId owner, ConversationId id, Reason reason) {

  /** Why a conversation is due; the sweeper checks it again under the conversation's lock. */
  public enum Reason { CAPTURED, MARKED_DELETED, INACTIVE }

  public DueConversation {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
  }

  /** Due because the app deleted it. */
  public DueConversation(UserId owner, ConversationId id) {
    this(owner, id, Reason.CAPTURED);
  }
}
