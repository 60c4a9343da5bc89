package dev.convoarchive.domain.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchQueryTest {

  @Test
  void wordsPhrasesAndExclusionsAsPeopleTypeThem() {
    SearchQuery query = SearchQuery.parse("  Lisbon \"Old  Town\" -rain -\"bad weather\" e-mail ");

    assertThat(query.required()).containsExactly(List.of("lisbon"), List.of("old", "town"), List.of("e", "mail"));
    assertThat(query.excluded()).containsExactly(List.of("rain"), List.of("bad", "weather"));
    assertThat(query.canonical()).isEqualTo("lisbon \"old town\" \"e mail\" -rain -\"bad weather\"");
    assertThat(SearchQuery.parse("LISBON   \"old town\" \"e mail\" -rain -\"Bad  Weather\"").fingerprint())
        .as("one query, one fingerprint, however spaced and cased").isEqualTo(query.fingerprint());
    assertThat(SearchQuery.parse("lisbon").fingerprint()).isNotEqualTo(query.fingerprint());
  }

  @Test
  void accentsAndScriptsAreLettersAndComposedFormsAreOne() {
    assertThat(SearchQuery.words("Crème brûlée, Москва! Αθήνα 東京")).containsExactly("crème", "brûlée", "москва", "αθήνα", "東京");
    assertThat(SearchQuery.words("cafe\u0301")).as("e + combining accent is é").containsExactly("café");
  }

  @Test
  void aQueryTheServiceCannotUseIsRefusedNamingQ() {
    for (String bad : new String[] {null, "", "   ", "-rain", "\"open", "!!! ???", "x".repeat(201),
        "a b c d e f g h i j k l m n o p q"}) {
      assertThatThrownBy(() -> SearchQuery.parse(bad)).as(String.valueOf(bad)).isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("q:");
    }
  }

  @Test
  void aMatchInMemoryMarksWhereItMatched() {
    SearchText text = new SearchText("Trip", "We could take the night  train to Porto.\nThen breakfast by the river.");
    TextMatch.Found found = TextMatch.match(SearchQuery.parse("\"night train\" river"), text).orElseThrow();

    assertThat(found.snippet().matches()).extracting(m -> found.snippet().text().substring(m.start(), m.end()))
        .containsExactly("night  train".replaceAll("\\s+", " "), "river");
    assertThat(TextMatch.match(SearchQuery.parse("train -porto"), text)).isEmpty();
    assertThat(TextMatch.match(SearchQuery.parse("trip"), text).orElseThrow().rank())
        .as("a title match outranks one in the text")
        .isGreaterThan(TextMatch.match(SearchQuery.parse("river"), text).orElseThrow().rank());
  }
}
