package dev.convoarchive.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.search.SearchHit;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API (documented in openapi.json); kept apart from storage formats. */
final class Views {

  private Views() {}

  record Entry(String id, String title, int messageCount, Instant createdAt, Instant archivedAt, long sizeBytes) {
    static Entry of(ArchiveEntry e) {
      return new Entry(e.id().value(), e.title(), e.messageCount(), e.createdAt(), e.archivedAt(), e.sizeBytes());
    }
  }

  record EntryPage(List<Entry> items, String nextCursor) {
    static EntryPage of(Page<ArchiveEntry> page) {
      return new EntryPage(page.items().stream().map(Entry::of).toList(), page.nextCursor());
    }
  }

  /** One search hit: the entry's fields, a snippet, and where in the snippet the query matched. */
  record Hit(String id, String title, int messageCount, Instant createdAt, Instant archivedAt, long sizeBytes,
      String snippet, List<List<Integer>> highlights) {
    static Hit of(SearchHit hit) {
      ArchiveEntry e = hit.entry();
      return new Hit(e.id().value(), e.title(), e.messageCount(), e.createdAt(), e.archivedAt(), e.sizeBytes(),
          hit.snippet().text(), hit.snippet().matches().stream().map(m -> List.of(m.start(), m.end())).toList());
    }
  }

  record HitPage(List<Hit> items, String nextCursor) {
    static HitPage of(Page<SearchHit> page) {
      return new HitPage(page.items().stream().map(Hit::of).toList(), page.nextCursor());
    }
  }

  /** {@code extraColumns}: the app's own other columns of the row, present only when there are some. */
  record MessageView(String id, String role, String content, Instant createdAt, Map<String, Object> metadata,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extraColumns) {
    static MessageView of(Message m) {
      return new MessageView(m.id(), m.role().wireName(), m.content(), m.createdAt(), m.metadata(), m.extraColumns());
    }
  }

  record ConversationView(String id, String userId, String title, Instant createdAt, Instant updatedAt,
      List<MessageView> messages, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> extraColumns,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> rows) {
    static ConversationView of(Conversation c) {
      return new ConversationView(c.id().value(), c.owner().toString(), c.title(), c.createdAt(), c.updatedAt(),
          c.messages().stream().map(MessageView::of).toList(), c.extraColumns(), c.liveRows());
    }
  }

  record Reindexed(int entries) {}

  record Health(String status, Map<String, String> checks) {}

  /** RFC 9457 problem details, with this service's {@code code} and the request's id. */
  record Problem(String type, String title, int status, String detail, String code, String requestId) {}
}
