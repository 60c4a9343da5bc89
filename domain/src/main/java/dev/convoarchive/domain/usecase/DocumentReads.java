package dev.convoarchive.domain.usecase;

import dev.convoarchive.domain.error.NotFoundException.Place;
import dev.convoarchive.domain.error.NotFoundException;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.LiveConversations;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A user reading and exporting their archived conversations as the archive stores them, to pass
 * on without decoding. Its own use case so that an archive without the {@link ArchivedDocuments}
 * ability fails when the service is wired, not when the first read arrives.
 */
public final class DocumentReads {

  private final LiveConversations live;
  private final ArchivedDocuments documents;

  public DocumentReads(LiveConversations live, ArchivedDocuments documents) {
    this.live = Objects.requireNonNull(live, "live");
    this.documents = Objects.requireNonNull(documents, "documents");
  }

  /** The archived conversation's stored document; absent is {@link NotFoundException}. */
  public ArchivedDocument document(UserId owner, ConversationId requested) {
    // The live database's spelling of the id (a UUID's case), which the archive was keyed by.
    ConversationId id = live.canonical(requested);
    return documents.document(owner, id).orElseThrow(() -> new NotFoundException(owner.value(), id.value(), Place.ARCHIVE));
  }

  /** Every archived document of the owner, lazily; the caller closes each one and the stream. */
  public Stream<ArchivedDocument> export(UserId owner) {
    return documents.documents(owner);
  }
}
