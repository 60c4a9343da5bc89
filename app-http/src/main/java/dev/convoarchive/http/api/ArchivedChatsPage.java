package dev.convoarchive.http.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The "Archived chats" page: plain HTML, a script and a style sheet ({@code archived-chats/} on
 * the class path), which call the public API with the user's token. Served from memory by three
 * routes, because Javalin's static files cannot read a directory inside the one-file jar. Only
 * scripts, styles and API calls of this origin are allowed on it, and no other site may frame it.
 */
final class ArchivedChatsPage {

  static final String PATH = "/archived-chats";

  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "style.css", "text/css; charset=utf-8");

  private ArchivedChatsPage() {}

  static void register(RoutesConfig routes) {
    // /archived-chats/ is the page; its relative links resolve against it, so /archived-chats redirects there.
    byte[] index = load("index.html");
    routes.get(PATH + "/", ctx -> serve(ctx, "index.html", index));
    routes.get(PATH, ctx -> ctx.redirect(PATH + "/"));
    for (String file : FILES.keySet()) {
      byte[] content = load(file);
      routes.get(PATH + "/" + file, ctx -> serve(ctx, file, content));
    }
  }

  private static void serve(Context ctx, String file, byte[] content) {
    ctx.contentType(FILES.get(file))
        .header("Cache-Control", "no-cache")
        .header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .result(content);
  }

  private static byte[] load(String file) {
    try (InputStream in = ArchivedChatsPage.class.getResourceAsStream(PATH + "/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the page's " + file + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
