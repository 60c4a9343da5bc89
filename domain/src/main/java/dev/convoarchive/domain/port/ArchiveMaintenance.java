package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.UserId;

/**
 * An optional ability of a {@link ConversationArchive} that keeps a listing apart from the stored
 * conversations (an index): rebuilding that listing from the conversations themselves. Archives
 * whose listing cannot drift from their contents do not implement it.
 */
public interface ArchiveMaintenance {

  /**
   * Rebuilds the owner's listing from the stored conversations: entries whose conversation is gone
   * are dropped, conversations missing from the listing come back. Safe to run while the owner's
   * archive changes. Returns how many entries the listing holds afterwards.
   */
  int reindex(UserId owner);
}
