package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Instant;

/** A conversation as the archive keeps it: when it was archived and in which format version. */
public record ArchivedConversation(Conversation conversation, Instant archivedAt, int formatVersion) {

  /**
   * The format this code writes: 2 is the API's representation, stored as is; 1 nested the
   * conversation. Readers accept both and ignore fields they do not know.
   */
  public static final int CURRENT_FORMAT_VERSION = 2;

  public ArchivedConversation {
    conversation = Validation.required(conversation, "archived.conversation");
    archivedAt = Timestamps.normalize(archivedAt, "archived.archivedAt");
    if (formatVersion < 1) {
      throw new InvalidInputException("archived.formatVersion",
          "must be 1 or more; got " + formatVersion);
    }
  }

  public ArchivedConversation(Conversation conversation, Instant archivedAt) {
    this(conversation, archivedAt, CURRENT_FORMAT_VERSION);
  }

  public UserId owner() {
    return conversation.owner();
  }

  public ConversationId id() {
    return conversation.id();
  }
}
