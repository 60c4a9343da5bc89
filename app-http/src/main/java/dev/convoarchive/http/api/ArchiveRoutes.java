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
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * The v1 API over a user's archive. {@code {user}} is {@code me} or a user id: a user's token may
 * name only its own user, a {@code service_role} token any user. No literal segment stands where a
 * conversation id can, so a conversation may be called {@code export} or {@code restore}.
 */
public final class ArchiveRoutes {

  static final String ME = "me";
  static final String NDJSON = "application/x-ndjson";

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
    routes.post("/v1/users/{user}/conversations/{id}/archive", this::archive);
    routes.get("/v1/users/{user}/archive", this::list);
    routes.get("/v1/users/{user}/archive/{id}", this::get);
    routes.delete("/v1/users/{user}/archive/{id}", this::delete);
    routes.post("/v1/users/{user}/archive/{id}/restore", this::restore);
    routes.get("/v1/users/{user}/export", this::export);
    routes.delete("/v1/users/{user}/archive", this::deleteAll);
    routes.post("/v1/users/{user}/reindex", this::reindex);
  }

  private void archive(Context ctx) {
    UserId owner = owner(ctx);
    StoreResult result = service.archive(owner, conversationId(ctx));
    respond(ctx, result.created() ? 201 : 200, Views.Entry.of(result.entry()));
  }

  private void list(Context ctx) {
    UserId owner = owner(ctx);
    PageRequest request = PageRequest.parse(ctx.queryParam("limit"), ctx.queryParam("cursor"));
    respond(ctx, 200, Views.EntryPage.of(service.list(owner, request)));
  }

  private void get(Context ctx) {
    UserId owner = owner(ctx);
    respond(ctx, 200, Views.ArchivedView.of(service.get(owner, conversationId(ctx))));
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
    try (Stream<ArchivedConversation> conversations = service.export(owner)) {
      Iterator<ArchivedConversation> it = conversations.iterator();
      boolean any = it.hasNext();
      ctx.status(200).contentType(NDJSON);
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

  /** The owner named by {@code {user}}, if the caller may act for it. */
  private UserId owner(Context ctx) {
    Caller caller = tokens.verify(ctx.header("Authorization"));
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
