package dev.convoarchive.domain.model;

/** A live conversation due for the archive (marked deleted, or inactive long enough), by owner and id. */
public record DueConversation(UserId owner, ConversationId id) {}
