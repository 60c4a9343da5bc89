package dev.convoarchive.domain.search;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.Message;
import java.util.stream.Collectors;

/**
 * The text a conversation is found by: its title, and its messages' text one after the other (the
 * text parts of JSON content, as the archive shows them). The body is cut at {@link #MAX_BODY}
 * characters: PostgreSQL's search document has a size limit, and what a person remembers is
 * rarely past the first 100,000 characters of a conversation.
 */
public record SearchText(String title, String body) {

  public static final int MAX_BODY = 100_000;
  /** Marks a match's start and end in a snippet; removed from indexed text, so that it never occurs there. */
  public static final char MATCH_START = '\uE000';
  public static final char MATCH_END = '\uE001';

  public SearchText {
    title = clean(title == null ? "" : title);
    body = clean(body == null ? "" : body);
    if (body.length() > MAX_BODY) {
      int cut = Character.isHighSurrogate(body.charAt(MAX_BODY - 1)) ? MAX_BODY - 1 : MAX_BODY;
      body = body.substring(0, cut);
    }
  }

  /** Everything of {@code conversation} that is searched. */
  public static SearchText of(Conversation conversation) {
    return new SearchText(conversation.title(),
        conversation.messages().stream().map(Message::content).collect(Collectors.joining("\n")));
  }

  /** Only the title, for operators who keep no message text in the database (SEARCH=titles). */
  public SearchText titleOnly() {
    return new SearchText(title, "");
  }

  private static String clean(String text) {
    return text.indexOf(MATCH_START) < 0 && text.indexOf(MATCH_END) < 0 && text.indexOf('\0') < 0 ? text
        : text.replace(MATCH_START, ' ').replace(MATCH_END, ' ').replace('\0', ' ');
  }
}
