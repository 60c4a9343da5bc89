package dev.convoarchive.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.search.SearchHit;
import dev.convoarchive.domain.search.SearchQuery;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.testing.Conversations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every search keeps, with an index (PostgreSQL) or without (a scan of the store): the query
 * language people type, the owner's conversations only, best first in pages, and nothing found
 * that is no longer archived.
 */
public abstract class ArchiveSearchContract {

  /** The store under test: archives, erases, and searches. */
  protected interface Searched {
    void archive(ArchivedConversation conversation);

    void erase(UserId owner, ConversationId id);

    ArchiveSearch search();
  }

  protected abstract Searched create();

  private Searched store;
  private final UserId alice = UserId.random();
  private final UserId bob = UserId.random();
  private Instant next = Conversations.T0;

  @BeforeEach
  void setUp() {
    store = create();
  }

  private ConversationId archive(UserId owner, String title, String... messages) {
    List<Message> list = new ArrayList<>();
    for (int i = 0; i < messages.length; i++) {
      list.add(new Message(Conversations.newMessageId(), i % 2 == 0 ? Role.USER : Role.ASSISTANT, messages[i],
          Conversations.T0.plusSeconds(i)));
    }
    ConversationId id = Conversations.newId();
    next = next.plusSeconds(60);
    store.archive(new ArchivedConversation(new Conversation(id, owner, title, Conversations.T0,
        Conversations.T0.plusSeconds(messages.length), list), next, 2));
    return id;
  }

  private List<ConversationId> found(UserId owner, String q) {
    return page(owner, q, 100, null).items().stream().map(hit -> hit.entry().id()).toList();
  }

  private Page<SearchHit> page(UserId owner, String q, int limit, String cursor) {
    SearchQuery query = SearchQuery.parse(q);
    return store.search().search(owner, cursor == null ? new SearchRequest(query, limit, null)
        : SearchRequest.parse(q, String.valueOf(limit), cursor));
  }

  @Test
  void wordsPhrasesAndExclusionsFindWhatWasSaid() {
    ConversationId lisbon = archive(alice, "Trip planning", "Where should we stay in Lisbon?",
        "The old town of Lisbon is lovely in spring.");
    ConversationId porto = archive(alice, "Porto wine", "Is the old town of Porto worth a day?", "Yes, and the wine.");
    ConversationId recipe = archive(alice, "Soup", "A recipe for town soup, old style.");

    assertThat(found(alice, "lisbon")).containsExactly(lisbon);
    assertThat(found(alice, "LISBON spring")).as("every word, in any case").containsExactly(lisbon);
    assertThat(found(alice, "\"old town\"")).as("a phrase: the words in that order").containsExactlyInAnyOrder(lisbon, porto);
    assertThat(found(alice, "\"town old\"")).isEmpty();
    assertThat(found(alice, "\"old town\" -porto")).as("an excluded word").containsExactly(lisbon);
    assertThat(found(alice, "old -\"old town\"")).as("an excluded phrase").containsExactly(recipe);
    assertThat(found(alice, "wine")).as("the title is searched too").containsExactly(porto);
    assertThat(found(alice, "madrid")).isEmpty();
  }

  @Test
  void accentsAndNonLatinScriptsAreWordsLikeAnyOther() {
    ConversationId cafe = archive(alice, "Café", "On a mangé une crème brûlée au café près de l'église.");
    ConversationId russian = archive(alice, "Поездка", "Мы поехали в Москву зимой.");
    ConversationId greek = archive(alice, "Ταξίδι", "Η Αθήνα είναι όμορφη την άνοιξη.");

    assertThat(found(alice, "brûlée")).containsExactly(cafe);
    assertThat(found(alice, "\"crème brûlée\"")).containsExactly(cafe);
    assertThat(found(alice, "Москву")).containsExactly(russian);
    assertThat(found(alice, "\"поехали в\"")).containsExactly(russian);
    assertThat(found(alice, "Αθήνα")).containsExactly(greek);
  }

  @Test
  void aHitCarriesItsEntryAndASnippetShowingWhereItMatched() {
    ConversationId id = archive(alice, "Trip planning", "Hello there.", "We could take the night train to Porto and "
        + "arrive early enough for breakfast by the river.");

    SearchHit hit = page(alice, "breakfast", 10, null).items().get(0);

    assertThat(hit.entry().id()).isEqualTo(id);
    assertThat(hit.entry().title()).isEqualTo("Trip planning");
    assertThat(hit.entry().messageCount()).isEqualTo(2);
    assertThat(hit.snippet().text()).contains("breakfast");
    assertThat(hit.snippet().matches()).isNotEmpty().allSatisfy(match ->
        assertThat(hit.snippet().text().substring(match.start(), match.end())).isEqualToIgnoringCase("breakfast"));
  }

  @Test
  void anotherUsersConversationsAreNeverFound() {
    archive(bob, "Lisbon", "Lisbon in spring.");
    ConversationId mine = archive(alice, "Notes", "Nothing about cities.");

    assertThat(found(alice, "lisbon")).isEmpty();
    assertThat(found(alice, "cities")).containsExactly(mine);
    assertThat(found(bob, "cities")).isEmpty();
  }

  @Test
  void anErasedConversationIsNeverFoundAgain() {
    ConversationId gone = archive(alice, "Secret", "The password is swordfish.");
    ConversationId kept = archive(alice, "Other", "A swordfish is a fish.");
    assertThat(found(alice, "swordfish")).containsExactlyInAnyOrder(gone, kept);

    store.erase(alice, gone);

    assertThat(found(alice, "swordfish")).containsExactly(kept);
    assertThat(found(alice, "password")).isEmpty();
  }

  @Test
  void hitsComeBestFirstInPagesThatCoverEachOnce() {
    List<ConversationId> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(archive(alice, i == 3 ? "Kayak trip" : "Day " + i, "We talked about the kayak " + "and more ".repeat(i)));
    }
    assertThat(found(alice, "kayak").get(0)).as("the title counts most").isEqualTo(all.get(3));

    List<ConversationId> paged = new ArrayList<>();
    Page<SearchHit> page = page(alice, "kayak", 3, null);
    paged.addAll(page.items().stream().map(h -> h.entry().id()).toList());
    while (page.hasMore()) {
      page = page(alice, "kayak", 3, page.nextCursor());
      paged.addAll(page.items().stream().map(h -> h.entry().id()).toList());
    }
    assertThat(paged).containsExactlyElementsOf(found(alice, "kayak")).containsExactlyInAnyOrderElementsOf(all);

    String cursor = page(alice, "kayak", 3, null).nextCursor();
    assertThatThrownBy(() -> SearchRequest.parse("canoe", "3", cursor)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("another search");
  }
}
