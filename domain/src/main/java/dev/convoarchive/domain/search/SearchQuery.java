package dev.convoarchive.domain.search;

import dev.convoarchive.domain.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a person typed to find an archived conversation: words, {@code "quoted phrases"} and
 * {@code -excluded} words or phrases. Each term is the list of its words as {@link #words} splits
 * them (a word like {@code e-mail} is the phrase {@code e mail}). A conversation matches when its
 * title or text has every required term and no excluded one.
 *
 * @param required the terms a match has, at least one
 * @param excluded the terms a match does not have
 */
public record SearchQuery(List<List<String>> required, List<List<String>> excluded) {

  public static final int MAX_LENGTH = 200;
  public static final int MAX_TERMS = 16;

  public SearchQuery {
    required = required.stream().map(List::copyOf).toList();
    excluded = excluded.stream().map(List::copyOf).toList();
  }

  /** Parses the query text; a query the service cannot use is an {@link InvalidInputException} naming {@code q}. */
  public static SearchQuery parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid("is empty; type a word that was said in the conversation", text);
    }
    if (text.length() > MAX_LENGTH) {
      throw invalid("is longer than " + MAX_LENGTH + " characters", text);
    }
    List<List<String>> required = new ArrayList<>();
    List<List<String>> excluded = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      boolean exclude = c == '-' && i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1));
      if (exclude) {
        i++;
      }
      String term;
      if (text.charAt(i) == '"') {
        int close = text.indexOf('"', i + 1);
        if (close < 0) {
          throw invalid("has a \" that is not closed; put phrases between two \"", text);
        }
        term = text.substring(i + 1, close);
        i = close + 1;
      } else {
        int end = i;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '"') {
          end++;
        }
        term = text.substring(i, end);
        i = end;
      }
      List<String> words = words(term);
      if (!words.isEmpty()) {
        (exclude ? excluded : required).add(words);
      }
    }
    if (required.isEmpty()) {
      throw invalid(excluded.isEmpty() ? "has no word to search for (letters or digits)"
          : "only excludes; add a word the conversation has", text);
    }
    if (required.size() + excluded.size() > MAX_TERMS) {
      throw invalid("has more than " + MAX_TERMS + " words and phrases", text);
    }
    return new SearchQuery(required, excluded);
  }

  /**
   * The words of {@code text} as search sees them: runs of letters, digits and combining marks,
   * in Unicode's composed form, lower-cased.
   */
  public static List<String> words(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    return wordSpans(normalized).stream().map(span -> normalized.substring(span[0], span[1])).toList();
  }

  /** Where the words of {@code text} are, {@code [start, end)}: runs of letters, digits and combining marks. */
  static List<int[]> wordSpans(String text) {
    List<int[]> spans = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : ' ';
      boolean inWord = i < text.length() && isWordChar(cp);
      if (inWord && start < 0) {
        start = i;
      } else if (!inWord && start >= 0) {
        spans.add(new int[] {start, i});
        start = -1;
      }
      i += i < text.length() ? Character.charCount(cp) : 1;
    }
    return spans;
  }

  static boolean isWordChar(int codePoint) {
    int type = Character.getType(codePoint);
    return Character.isLetterOrDigit(codePoint) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
  }

  /** The query in one canonical spelling: required terms, then excluded, phrases quoted. */
  public String canonical() {
    return required.stream().map(SearchQuery::spell).collect(Collectors.joining(" "))
        + excluded.stream().map(term -> " -" + spell(term)).collect(Collectors.joining());
  }

  /** A short fingerprint of {@link #canonical}, so that a cursor is used only with its own query. */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String spell(List<String> term) {
    return term.size() == 1 ? term.get(0) : "\"" + String.join(" ", term) + "\"";
  }

  private static InvalidInputException invalid(String problem, String text) {
    return new InvalidInputException("q", problem + "; got " + InvalidInputException.quote(text));
  }
}
