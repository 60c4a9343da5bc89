package dev.convoarchive.http.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.http.auth.AuthException;
import dev.convoarchive.http.auth.Caller;
import dev.convoarchive.http.auth.TokenVerifier;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The v1 API over a user's archive. {@code {user}} is {@code me} or a user id: a user's token may
 * name only its own user, a {@code service_role} token any user. No literal segment stands where a
 * conversation id can, so a conversation may be called {@code export} or {@code restore}.
 */
public final class ArchiveRoutes {

  static final String ME = "me";
  static final String NDJSON = "application/x-ndjson";
  private static final String CALLER = "convo-archive.caller";

  private final ArchiveService service;
  private final TokenVerifier tokens;
  private final ObjectMapper json;

  @Inject
  public ArchiveRoutes(ArchiveService service, TokenVerifier tokens, ObjectMapper json) {
    this.service = service;
    this.tokens = tokens;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    // Runs once a route matched, before anything reads the body.
    routes.beforeMatched("/v1/*", ctx -> ctx.attribute(CALLER, tokens.verify(ctx.header("Authorization"))));
    routes.post("/v1/users/{user}/conversations/{id}/archive", this::archive);
    getAndHead(routes, "/v1/users/{user}/archive", this::list);
    getAndHead(routes, "/v1/users/{user}/archive/{id}", this::get);
    routes.delete("/v1/users/{user}/archive/{id}", this::delete);
    routes.post("/v1/users/{user}/archive/{id}/restore", this::restore);
    getAndHead(routes, "/v1/users/{user}/export", this::export);
    routes.delete("/v1/users/{user}/archive", this::deleteAll);
    routes.post("/v1/users/{user}/reindex", this::reindex);
  }

  /**
   * HEAD runs the GET handler (Jetty sends no body for it), so it answers what GET would: 401
   * without a token, 404 for what is not there.
   */
  static void getAndHead(RoutesConfig routes, String path, Handler handler) {
    routes.get(path, handler);
    routes.head(path, handler);
  }

  private void archive(Context ctx) {
    UserId owner = owner(ctx);
    StoreResult result = service.archive(owner, conversationId(ctx));
    respond(ctx, result.created() ? 201 : 200, Views.Entry.of(result.entry()));
  }

  private void list(Context ctx) {
    UserId owner = owner(ctx);
    PageRequest request = PageRequest.parse(queryParam(ctx, "limit"), queryParam(ctx, "cursor"));
    respond(ctx, 200, Views.EntryPage.of(service.list(owner, request)));
  }

  /**
   * An archived conversation never changes until it is erased, so its answer carries an ETag (a
   * hash of the answer's bytes) and a request whose If-None-Match names it gets 304 without a body.
   */
  private void get(Context ctx) throws IOException {
    UserId owner = owner(ctx);
    byte[] body = json.writeValueAsBytes(Views.ArchivedView.of(service.get(owner, conversationId(ctx))));
    String etag = ETags.of(body);
    ctx.header(Header.ETAG, etag);
    if (ETags.matches(ctx.header(Header.IF_NONE_MATCH), etag)) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType("application/json").result(body);
  }

  private void delete(Context ctx) {
    UserId owner = owner(ctx);
    service.delete(owner, conversationId(ctx));
    ctx.status(204);
  }

  private void restore(Context ctx) {
    UserId owner = owner(ctx);
    respond(ctx, 200, Views.ConversationView.of(service.restore(owner, conversationId(ctx))));
  }

  private void deleteAll(Context ctx) {
    UserId owner = owner(ctx);
    int deleted = service.deleteAll(owner);
    ctx.header("X-Deleted-Count", Integer.toString(deleted)).status(204);
  }

  private void reindex(Context ctx) {
    UserId owner = owner(ctx);
    respond(ctx, 200, new Views.Reindexed(service.reindex(owner)));
  }

  /**
   * Streams one JSON line per conversation as they are read, so an archive of any size goes out in
   * constant memory. The first conversation is read before the status is sent, so that a storage
   * failure up front is still a proper 503.
   */
  private void export(Context ctx) throws IOException {
    UserId owner = owner(ctx);
    if (ctx.method() == HandlerType.HEAD) {
      ctx.status(200).contentType(NDJSON);
      return;
    }
    try (Stream<ArchivedConversation> conversations = service.export(owner)) {
      Iterator<ArchivedConversation> it = conversations.iterator();
      boolean any = it.hasNext();
      ctx.status(200).contentType(NDJSON).header("Content-Disposition", "attachment; filename=\"archived-chats.ndjson\"");
      OutputStream out = ctx.outputStream();
      // Jackson would close the response stream after the first line.
      ObjectWriter lines = json.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      if (any) {
        do {
          lines.writeValue(out, Views.ArchivedView.of(it.next()));
          out.write('\n');
        } while (it.hasNext());
      }
      out.flush();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * A query parameter given at most once. Decoded strictly here (the framework's decoder passes
   * over a broken escape silently): one that does not decode, or comes twice, is refused.
   */
  private static String queryParam(Context ctx, String name) {
    List<String> values = new ArrayList<>();
    String query = ctx.queryString();
    for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      if (decode(equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
        values.add(equals < 0 ? "" : decode(pair.substring(equals + 1)));
      }
    }
    if (values.size() > 1) {
      throw new InvalidInputException(name, "is given " + values.size() + " times; give it once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static String decode(String text) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(URLDecoder.decode(text, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new InvalidInputException("query", "the query string is not valid percent-encoded UTF-8");
    }
  }

  /** The owner named by {@code {user}}, if the caller may act for it. */
  private UserId owner(Context ctx) {
    Caller caller = ctx.attribute(CALLER);
    String named = ctx.pathParam("user");
    if (ME.equals(named)) {
      return caller.user().orElseThrow(() -> new InvalidInputException("user",
          "a service_role token has no user of its own; name the user id instead of \"me\""));
    }
    UserId owner = UserId.parse(named);
    if (!caller.serviceRole() && !caller.user().orElseThrow().equals(owner)) {
      throw AuthException.forbidden("this token may act only for its own user; use \"me\" or that user's id");
    }
    return owner;
  }

  private static ConversationId conversationId(Context ctx) {
    return ConversationId.of(ctx.pathParam("id"));
  }

  private void respond(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
