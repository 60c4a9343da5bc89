package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An optional ability of a {@link ConversationArchive} that stores conversations in the API's
 * representation: reads hand out the stored bytes instead of a decoded conversation, so that
 * retrieve and export pass them through in memory that does not grow with the conversation.
 */
public interface ArchivedDocuments {

  /** The stored document, or empty when the owner has none with this id (as {@code find}). */
  Optional<ArchivedDocument> document(UserId owner, ConversationId id);

  /**
   * Every archived document of the owner, opened one at a time as the stream reaches it; the
   * caller closes each document and the stream.
   */
  Stream<ArchivedDocument> documents(UserId owner);
}
