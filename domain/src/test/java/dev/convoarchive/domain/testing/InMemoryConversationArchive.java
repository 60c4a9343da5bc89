package dev.convoarchive.domain.testing;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The reference archive: what the contract means, with nothing in the way. For domain tests only. */
public class InMemoryConversationArchive implements ConversationArchive {

  private final Map<UserId, Map<ConversationId, ArchivedConversation>> byOwner = new ConcurrentHashMap<>();

  private Map<ConversationId, ArchivedConversation> of(UserId owner) {
    return byOwner.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
  }

  @Override
  public StoreResult store(ArchivedConversation conversation) {
    boolean[] created = {false};
    ArchivedConversation kept = of(conversation.owner()).computeIfAbsent(conversation.id(), id -> {
      created[0] = true;
      return conversation;
    });
    return new StoreResult(entry(kept), created[0]);
  }

  @Override
  public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
    return Optional.ofNullable(of(owner).get(id));
  }

  @Override
  public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
    return Page.of(of(owner).values().stream().map(InMemoryConversationArchive::entry).toList(), request);
  }

  @Override
  public boolean delete(UserId owner, ConversationId id) {
    return of(owner).remove(id) != null;
  }

  @Override
  public int deleteAll(UserId owner) {
    Map<ConversationId, ArchivedConversation> removed = byOwner.remove(owner);
    return removed == null ? 0 : removed.size();
  }

  @Override
  public Stream<ArchivedConversation> export(UserId owner) {
    return new ArrayList<>(of(owner).values()).stream();
  }

  private static ArchiveEntry entry(ArchivedConversation archived) {
    return ArchiveEntry.of(archived, approximateSize(archived.conversation()));
  }

  /** Text bytes held: a stand-in for the stored size, which only a real encoding knows. */
  private static long approximateSize(Conversation conversation) {
    long size = conversation.title().getBytes(StandardCharsets.UTF_8).length;
    List<Message> messages = conversation.messages();
    for (Message message : messages) {
      size += message.content().getBytes(StandardCharsets.UTF_8).length + message.id().length();
    }
    return size;
  }
}
