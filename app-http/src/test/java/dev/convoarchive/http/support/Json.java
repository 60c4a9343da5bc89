package dev.convoarchive.http.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;

/** Answers read as JSON. */
public final class Json {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Json() {}

  /** The body of a successful answer, as JSON. */
  public static JsonNode json(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isLessThan(300);
    return readTree(response.body());
  }

  /** {@code text} as JSON; not JSON fails the test with the text. */
  public static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
