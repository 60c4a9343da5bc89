package dev.convoarchive.s3;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;

/** An archive in an S3 bucket, in either layout. */
public interface S3Archive extends ConversationArchive {

  /**
   * Rebuilds the owner's listing from the stored conversations themselves, which are the truth:
   * entries for missing conversations go, conversations missing from the listing come back.
   * Returns how many entries the listing holds afterwards.
   */
  int reindex(UserId owner);

  ArchiveLayout layout();
}
