package dev.convoarchive.domain.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A query matched against one conversation's text in memory: how the stores without a search
 * index (the S3 index, single-file) find conversations, by the same words {@link SearchQuery}
 * splits text into. A title match counts ten times a match in the messages.
 */
public final class TextMatch {

  static final int TITLE_WEIGHT = 10;
  private static final int BEFORE = 60;
  private static final int AFTER = 120;

  /** A match's rank and snippet. */
  public record Found(double rank, Snippet snippet) {}

  private TextMatch() {}

  /** Where and how well {@code text} matches {@code query}, or empty when it does not. */
  public static Optional<Found> match(SearchQuery query, SearchText text) {
    Tokens title = new Tokens(text.title());
    Tokens body = new Tokens(text.body());
    for (List<String> term : query.excluded()) {
      if (!title.find(term).isEmpty() || !body.find(term).isEmpty()) {
        return Optional.empty();
      }
    }
    double rank = 0;
    List<int[]> titleHits = new ArrayList<>();
    List<int[]> bodyHits = new ArrayList<>();
    for (List<String> term : query.required()) {
      List<int[]> inTitle = title.find(term);
      List<int[]> inBody = body.find(term);
      if (inTitle.isEmpty() && inBody.isEmpty()) {
        return Optional.empty();
      }
      rank += TITLE_WEIGHT * inTitle.size() + inBody.size();
      titleHits.addAll(inTitle);
      bodyHits.addAll(inBody);
    }
    return Optional.of(new Found(rank, bodyHits.isEmpty() ? snippet(title.text, titleHits, 0, title.text.length())
        : around(body.text, bodyHits)));
  }

  /** The body around its first match, cut at word boundaries, with every match inside marked. */
  private static Snippet around(String text, List<int[]> hits) {
    int first = hits.stream().mapToInt(h -> h[0]).min().orElse(0);
    int from = Math.max(0, first - BEFORE);
    int to = Math.min(text.length(), first + AFTER);
    while (from > 0 && from < first && !Character.isWhitespace(text.charAt(from - 1))) {
      from++;
    }
    while (to < text.length() && to > first && !Character.isWhitespace(text.charAt(to))) {
      to--;
    }
    return snippet(text, hits, from, to);
  }

  private static Snippet snippet(String text, List<int[]> hits, int from, int to) {
    String prefix = from > 0 ? "… " : "";
    String cut = text.substring(from, to).replaceAll("\\s+", " ");
    // Offsets move when whitespace collapses: find each match again in the cut text, in order.
    List<Snippet.Match> matches = new ArrayList<>();
    String raw = text.substring(from, to);
    for (int[] hit : hits.stream().sorted((a, b) -> Integer.compare(a[0], b[0])).toList()) {
      if (hit[0] >= from && hit[1] <= to) {
        int start = prefix.length() + collapsedLength(raw.substring(0, hit[0] - from));
        int end = start + collapsedLength(raw.substring(hit[0] - from, hit[1] - from));
        matches.add(new Snippet.Match(start, end));
      }
    }
    return new Snippet(prefix + cut + (to < text.length() ? " …" : ""), matches);
  }

  private static int collapsedLength(String text) {
    return text.replaceAll("\\s+", " ").length();
  }

  /** A text's words with their places, lower-cased as {@link SearchQuery#words} does. */
  private static final class Tokens {
    final String text;
    final List<String> words = new ArrayList<>();
    final List<int[]> places = new ArrayList<>();

    Tokens(String original) {
      this.text = Normalizer.normalize(original, Normalizer.Form.NFC);
      for (int[] span : SearchQuery.wordSpans(text)) {
        words.add(text.substring(span[0], span[1]).toLowerCase(Locale.ROOT));
        places.add(span);
      }
    }

    /** The spans where {@code term}'s words follow one another. */
    List<int[]> find(List<String> term) {
      List<int[]> found = new ArrayList<>();
      for (int i = 0; i + term.size() <= words.size(); i++) {
        if (words.subList(i, i + term.size()).equals(term)) {
          found.add(new int[] {places.get(i)[0], places.get(i + term.size() - 1)[1]});
        }
      }
      return found;
    }
  }
}
