package dev.convoarchive.domain.error;

/**
 * A change that cannot be applied as asked without losing or duplicating data: the two copies of a
 * conversation disagree, or the id is taken. Retrying the same request does not help.
 */
public final class ConflictException extends ArchiveException {

  private final String resource;
  private final String owner;
  private final String conversationId;

  private ConflictException(
      String message, String resource, String owner, String conversationId) {
    super(message, null);
    this.resource = resource;
    this.owner = owner;
    this.conversationId = conversationId;
  }

  /** The conversation id is already live, so inserting it again would duplicate or overwrite it. */
  public static ConflictException alreadyLive(String owner, String id) {
    return new ConflictException(
        "conversation " + id + " is already in the live database; delete or rename the live one first",
        "live:" + owner + "/" + id, owner, id);
  }

  /**
   * The live and archived copies both exist and neither contains the other, so keeping either one
   * alone would drop messages.
   */
  public static ConflictException diverged(String owner, String id) {
    return new ConflictException(
        "conversation " + id + " exists both live and archived with different messages; "
            + "export the archived copy, delete one of them, then try again",
        "conversation:" + owner + "/" + id, owner, id);
  }

  /** The id is live for another owner: restoring under it would overwrite someone else's conversation. */
  public static ConflictException idTaken(String owner, String id) {
    return new ConflictException(
        "the id " + id + " belongs to another conversation in the live database, so this one cannot be restored "
            + "under it; it stays archived", "live:" + id, owner, id);
  }

  /**
   * An erase of an archived conversation that is live at the same time (a restore of it finished,
   * is under way, or was interrupted): erasing the archived copy would leave it live while the
   * caller hears "gone for good".
   */
  public static ConflictException liveAgain(String owner, String id) {
    return new ConflictException(
        "conversation " + id + " is live again (a restore of it ran or is running), so it was not erased; "
            + "archive it, then delete it", "conversation:" + owner + "/" + id, owner, id);
  }

  /**
   * The live database refuses the archived rows as they are: a row they reference outside the
   * conversation (a file, an assistant, the user) is gone, or a table has changed shape. Nothing
   * was written; the conversation stays archived.
   */
  public static ConflictException notRestorable(String owner, String id, String reason) {
    return new ConflictException(
        "conversation " + id + " cannot be restored as it was archived: " + reason + "; nothing was written and it "
            + "stays archived", "live:" + owner + "/" + id, owner, id);
  }

  /**
   * The live database kept rows the move deleted: an app trigger or row-level security policy
   * suppressed the delete. The move was rolled back; the conversation stays live, not archived.
   */
  public static ConflictException keptLive(String owner, String id, String reason) {
    return new ConflictException("conversation " + id + " cannot be archived: " + reason + "; it stays live",
        "live:" + owner + "/" + id, owner, id);
  }

  /** What the conflict is about: the live row or the conversation, by owner and id. */
  public String resource() {
    return resource;
  }

  /** The owner involved, by id. */
  public String owner() {
    return owner;
  }

  /** The conversation involved, by id. */
  public String conversationId() {
    return conversationId;
  }
}
