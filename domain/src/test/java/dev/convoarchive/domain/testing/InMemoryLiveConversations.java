package dev.convoarchive.domain.testing;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The reference live store. One monitor guards everything, standing in for the database's row
 * and conversation locks: a move-out holds it for the whole move. For domain tests only.
 */
public class InMemoryLiveConversations implements LiveConversations {

  private static final Comparator<Message> CREATED_ORDER =
      Comparator.comparing(Message::createdAt).thenComparing(Message::id);

  private final Map<ConversationId, Conversation> byId = new HashMap<>();

  @Override
  public synchronized Optional<Conversation> find(UserId owner, ConversationId id) {
    return Optional.ofNullable(byId.get(id)).filter(c -> c.owner().equals(owner));
  }

  @Override
  public synchronized <T> Optional<T> moveOut(
      UserId owner, ConversationId id, Function<Conversation, T> archiveStep) {
    Optional<Conversation> conversation = find(owner, id);
    if (conversation.isEmpty()) {
      return Optional.empty();
    }
    T result = archiveStep.apply(conversation.get());
    byId.remove(id);
    return Optional.ofNullable(result);
  }

  @Override
  public synchronized <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step) {
    return find(owner, id).map(step);
  }

  @Override
  public synchronized Optional<Restored> restoreUnlessLive(
      UserId owner, ConversationId id, Supplier<Optional<Conversation>> source) {
    Conversation current = byId.get(id);
    if (current != null) {
      if (!current.owner().equals(owner)) {
        throw ConflictException.idTaken(owner.value(), id.value());
      }
      return Optional.of(new Restored(current, false));
    }
    return source.get().map(conversation -> {
      restore(conversation);
      return new Restored(byId.get(id), true);
    });
  }

  @Override
  public synchronized <T> Optional<T> unlessLive(UserId owner, ConversationId id, Supplier<T> step) {
    return find(owner, id).isPresent() ? Optional.empty() : Optional.of(step.get());
  }

  @Override
  public synchronized void restore(Conversation conversation) {
    if (byId.containsKey(conversation.id())) {
      throw ConflictException.alreadyLive(conversation.owner().value(), conversation.id().value());
    }
    byId.put(conversation.id(), new Conversation(conversation.id(), conversation.owner(), conversation.title(),
        conversation.createdAt(), conversation.updatedAt(),
        conversation.messages().stream().sorted(CREATED_ORDER).toList()));
  }
}
