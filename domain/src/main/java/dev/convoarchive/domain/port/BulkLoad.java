package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.UserId;
import java.util.List;

/**
 * An optional ability of a {@link ConversationArchive}: writing a whole user's archive in one go,
 * in the archive's own format, for imports and for benchmarks that need users with thousands of
 * conversations. It skips the per-conversation coordination, so nothing else may write that
 * user's archive while it runs, and the user must have no archive yet.
 */
public interface BulkLoad {

  /** Stores every conversation of {@code owner} (each must belong to that owner). */
  void load(UserId owner, List<ArchivedConversation> conversations);
}
