package dev.convoarchive.s3;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import java.util.List;

/** What the S3 index needs to know of the conversation objects it caches, which are the truth. */
interface StoredConversations {

  /** The ids of the owner's stored conversations, from a listing. */
  List<ConversationId> ids(UserId owner);

  boolean exists(UserId owner, ConversationId id);

  /** The entry of every stored conversation of the owner: what a rebuild starts from. */
  List<ArchiveEntry> entries(UserId owner);
}
