package dev.convoarchive.domain.error;

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

  private final String owner;
  private final String conversationId;
  private final Place place;

  public NotFoundException(String owner, String conversationId, Place place) {
    super("conversation " + conversationId + " of user " + owner + " is not in " + place.description, null);
    this.owner = owner;
    this.conversationId = conversationId;
    this.place = place;
  }

  public String owner() {
    return owner;
  }

  public String conversationId() {
    return conversationId;
  }

  public Place place() {
    return place;
  }
}
