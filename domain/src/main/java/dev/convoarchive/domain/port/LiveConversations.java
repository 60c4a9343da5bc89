package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import java.util.Optional;
import java.util.function.Function;

/**
 * The chat app's live database of conversations.
 *
 * <p>Rules every implementation keeps (the contract suite {@code LiveConversationsContract} checks
 * them):
 *
 * <ul>
 *   <li>Every operation is scoped by owner: another user's conversation is "not found".
 *   <li>Messages come ordered by {@code createdAt}, then id.
 *   <li>{@link #moveOut} cannot lose a message written while it runs: such a write either lands in
 *       the copy handed to the callback or fails visibly.
 * </ul>
 */
public interface LiveConversations {

  /** The live conversation with its messages, or empty when the owner has none with this id. */
  Optional<Conversation> find(UserId owner, ConversationId id);

  /**
   * Moves a conversation out of the live store: holds it against concurrent changes, hands the
   * complete conversation to {@code archiveStep}, and deletes it only if {@code archiveStep}
   * returned normally. If {@code archiveStep} throws, the conversation stays live, unchanged, and
   * the exception propagates. Returns empty (without calling {@code archiveStep}) when there is no
   * such live conversation; concurrent move-outs of one conversation run the step at most once.
   */
  <T> Optional<T> moveOut(UserId owner, ConversationId id, Function<Conversation, T> archiveStep);

  /**
   * Holds a live conversation against concurrent changes, moves-out included, while
   * {@code step} runs, and keeps it live. Returns empty (without calling {@code step}) when there
   * is no such live conversation. The use cases run a step here that must not interleave with a
   * move-out of the same conversation.
   */
  <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step);

  /**
   * Inserts a conversation with all its messages, atomically. Throws {@code ConflictException}
   * when a conversation with that id is already live (for any owner), changing nothing.
   */
  void restore(Conversation conversation);
}
