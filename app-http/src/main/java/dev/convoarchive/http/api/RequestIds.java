package dev.convoarchive.http.api;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every request gets an id, taken from a sane {@code X-Request-Id} header or made up, put in the
 * logging context (so it is in every log line) and sent back in the response and in any problem.
 */
final class RequestIds {

  static final String HEADER = "X-Request-Id";
  static final String MDC_KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RequestIds() {}

  static void assign(Context ctx) {
    String given = ctx.header(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    MDC.put(MDC_KEY, id);
    ctx.header(HEADER, id);
  }

  static void clear() {
    MDC.remove(MDC_KEY);
  }
}
