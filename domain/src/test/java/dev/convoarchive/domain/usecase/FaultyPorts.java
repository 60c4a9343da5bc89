package dev.convoarchive.domain.usecase;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Wraps the reference ports so that every call goes through a {@link FaultPlan}. */
final class FaultyPorts {

  private FaultyPorts() {}

  static ConversationArchive archive(ConversationArchive delegate, FaultPlan plan) {
    return new ConversationArchive() {
      @Override
      public StoreResult store(ArchivedConversation conversation) {
        return plan.step("archive.store", () -> delegate.store(conversation));
      }

      @Override
      public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
        return plan.step("archive.find", () -> delegate.find(owner, id));
      }

      @Override
      public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
        return plan.step("archive.list", () -> delegate.list(owner, request));
      }

      @Override
      public boolean delete(UserId owner, ConversationId id) {
        return plan.step("archive.delete", () -> delegate.delete(owner, id));
      }

      @Override
      public int deleteAll(UserId owner) {
        return plan.step("archive.deleteAll", () -> delegate.deleteAll(owner));
      }

      @Override
      public Stream<ArchivedConversation> export(UserId owner) {
        return plan.step("archive.export", () -> delegate.export(owner));
      }
    };
  }

  static LiveConversations live(LiveConversations delegate, FaultPlan plan) {
    return new LiveConversations() {
      @Override
      public Optional<Conversation> find(UserId owner, ConversationId id) {
        return plan.step("live.find", () -> delegate.find(owner, id));
      }

      /**
       * Two places to fail: around the whole move (before it starts, or after the delete committed
       * but the answer was lost) and around the step (the archive copy written, then the move
       * fails before the live delete, so the live store rolls back).
       */
      @Override
      public <T> Optional<T> moveOut(UserId owner, ConversationId id, Function<Conversation, T> archiveStep) {
        return plan.step("live.moveOut", () -> delegate.moveOut(owner, id,
            c -> plan.step("live.moveOut.beforeDelete", () -> archiveStep.apply(c))));
      }

      @Override
      public <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step) {
        return plan.step("live.whileLive", () -> delegate.whileLive(owner, id, step));
      }

      /** Around the whole insert, and between reading the archived copy and inserting it. */
      @Override
      public Optional<Restored> restoreUnlessLive(
          UserId owner, ConversationId id, Supplier<Optional<Conversation>> source) {
        return plan.step("live.restoreUnlessLive", () -> delegate.restoreUnlessLive(owner, id,
            () -> plan.step("live.restoreUnlessLive.beforeInsert", source::get)));
      }

      @Override
      public <T> Optional<T> unlessLive(UserId owner, ConversationId id, Supplier<T> step) {
        return plan.step("live.unlessLive", () -> delegate.unlessLive(owner, id, step));
      }

      @Override
      public void restore(Conversation conversation) {
        plan.step("live.restore", () -> {
          delegate.restore(conversation);
          return null;
        });
      }
    };
  }
}
