package dev.convoarchive.domain.error;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;

/**
 * A change that cannot be applied as asked without losing or duplicating data: the two copies of a
 * conversation disagree, the id is taken, or concurrent writers kept winning until retries ran out.
 */
public final class ConflictException extends ArchiveException {

  private final String resource;
  private final UserId owner;
  private final ConversationId conversationId;
  private final int attempts;

  private ConflictException(
      String message, String resource, UserId owner, ConversationId conversationId, int attempts) {
    super(message, null);
    this.resource = resource;
    this.owner = owner;
    this.conversationId = conversationId;
    this.attempts = attempts;
  }

  /** The conversation id is already live, so inserting it again would duplicate or overwrite it. */
  public static ConflictException alreadyLive(UserId owner, ConversationId id) {
    return new ConflictException(
        "conversation " + id + " is already in the live database; delete or rename the live one first",
        "live:" + owner + "/" + id, owner, id, 0);
  }

  /**
   * The live and archived copies both exist and neither contains the other, so keeping either one
   * alone would drop messages.
   */
  public static ConflictException diverged(UserId owner, ConversationId id) {
    return new ConflictException(
        "conversation " + id + " exists both live and archived with different messages; "
            + "export the archived copy, delete one of them, then try again",
        "conversation:" + owner + "/" + id, owner, id, 0);
  }

  /** Optimistic-concurrency retries on one stored object ran out. */
  public static ConflictException contended(String key, int attempts) {
    return new ConflictException(
        "too many concurrent changes to " + key + " (gave up after " + attempts
            + " attempts); retry the request",
        key, null, null, attempts);
  }

  /** What was contended: a storage key or a logical name. */
  public String resource() {
    return resource;
  }

  /** The owner involved, or {@code null} when the conflict is on a shared object. */
  public UserId owner() {
    return owner;
  }

  /** The conversation involved, or {@code null} when the conflict is not about one conversation. */
  public ConversationId conversationId() {
    return conversationId;
  }

  /** How many write attempts were made before giving up; 0 when none were retried. */
  public int attempts() {
    return attempts;
  }
}
