package dev.convoarchive.domain.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A short piece of a conversation's text that shows where a search matched, with the matched
 * words' places in it ({@code start} inclusive, {@code end} exclusive, in UTF-16 units as
 * JavaScript counts them).
 */
public record Snippet(String text, List<Match> matches) {

  /** One matched word of the snippet. */
  public record Match(int start, int end) {}

  public Snippet {
    matches = List.copyOf(matches);
  }

  /** Reads a text whose matches are between {@link SearchText#MATCH_START} and {@link SearchText#MATCH_END}. */
  public static Snippet marked(String marked) {
    StringBuilder text = new StringBuilder(marked.length());
    List<Match> matches = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == SearchText.MATCH_START) {
        start = text.length();
      } else if (c == SearchText.MATCH_END) {
        if (start >= 0 && text.length() > start) {
          matches.add(new Match(start, text.length()));
        }
        start = -1;
      } else {
        text.append(c);
      }
    }
    return new Snippet(text.toString(), matches);
  }
}
