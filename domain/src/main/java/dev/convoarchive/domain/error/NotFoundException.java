package dev.convoarchive.domain.error;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;

/** The conversation is not where it was asked for (another user's conversation is also "not found"). */
public final class NotFoundException extends ArchiveException {

  /** Which store was asked. */
  public enum Place {
    LIVE("the live database"),
    ARCHIVE("the archive"),
    ANYWHERE("the live database or the archive");

    private final String description;

    Place(String description) {
      this.description = description;
    }
  }

  private final UserId owner;
  private final ConversationId conversationId;
  private final Place place;

  public NotFoundException(UserId owner, ConversationId conversationId, Place place) {
    super("conversation " + conversationId + " of user " + owner + " is not in " + place.description, null);
    this.owner = owner;
    this.conversationId = conversationId;
    this.place = place;
  }

  public UserId owner() {
    return owner;
  }

  public ConversationId conversationId() {
    return conversationId;
  }

  public Place place() {
    return place;
  }
}
