package dev.convoarchive.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.domain.usecase.DocumentReads;
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
import java.io.InputStream;
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
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The v1 API over a user's archive. {@code {user}} is {@code me} or a user id: a user's token may
 * name only its own user, a {@code service_role} token any user. No literal segment stands where a
 * conversation id can, so a conversation may be called {@code export} or {@code restore}.
 */
public final class ArchiveRoutes {

  static final String ME = "me";
  static final String NDJSON = "application/x-ndjson";
  private static final String CALLER = "convo-archive.caller";
  private static final int STREAM_BUFFER = 8192;

  private final ArchiveService service;
  private final DocumentReads documents;
  private final TokenVerifier tokens;
  private final ObjectMapper json;

  @Inject
  public ArchiveRoutes(ArchiveService service, DocumentReads documents, TokenVerifier tokens, ObjectMapper json) {
    this.service = service;
    this.documents = documents;
    this.tokens = tokens;
    this.json = json;
  }

  /**
   * The API's routes; each of their paths also answers a CORS preflight ({@code OPTIONS}) with
   * {@code preflight}, which carries no credentials and reads nothing.
   */
  public void register(RoutesConfig routes, Handler preflight) {
    // Runs once a route matched, before anything reads the body.
    routes.beforeMatched("/v1/*", ctx -> {
      if (ctx.method() != HandlerType.OPTIONS) {
        ctx.attribute(CALLER, tokens.verify(ctx.header("Authorization")));
      }
    });
    routes.post(ARCHIVE, this::archive);
    getAndHead(routes, LISTING, this::list);
    getAndHead(routes, CONVERSATION, this::get);
    routes.delete(CONVERSATION, this::delete);
    routes.post(RESTORE, this::restore);
    getAndHead(routes, EXPORT, this::export);
    routes.delete(LISTING, this::deleteAll);
    routes.post(REINDEX, this::reindex);
    for (String path : List.of(ARCHIVE, LISTING, CONVERSATION, RESTORE, EXPORT, REINDEX)) {
      routes.options(path, preflight);
    }
  }

  private static final String ARCHIVE = "/v1/users/{user}/conversations/{id}/archive";
  private static final String LISTING = "/v1/users/{user}/archive";
  private static final String CONVERSATION = "/v1/users/{user}/archive/{id}";
  private static final String RESTORE = "/v1/users/{user}/archive/{id}/restore";
  private static final String EXPORT = "/v1/users/{user}/export";
  private static final String REINDEX = "/v1/users/{user}/reindex";

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

  /** The listing, newest first; with {@code q}, a search of titles and text, best match first. */
  private void list(Context ctx) {
    UserId owner = owner(ctx);
    String q = queryParam(ctx, "q");
    if (q != null) {
      SearchRequest request = SearchRequest.parse(q, queryParam(ctx, "limit"), queryParam(ctx, "cursor"));
      respond(ctx, 200, Views.HitPage.of(service.search(owner, request)));
      return;
    }
    PageRequest request = PageRequest.parse(queryParam(ctx, "limit"), queryParam(ctx, "cursor"));
    respond(ctx, 200, Views.EntryPage.of(service.list(owner, request)));
  }

  /**
   * Passes the stored document on as it is (the API's representation): gzip as stored when the
   * client takes gzip, inflated on the fly when not, in memory that does not grow with the
   * conversation; a document stored uncompressed (ARCHIVE_COMPRESSION=none, single-file) is
   * gzipped here for a client that takes gzip. An archived conversation never changes until it is
   * erased, so the answer carries an ETag naming the stored bytes and the coding sent (never the
   * framework's own compression, which would send other bytes under the same tag), and an
   * If-None-Match naming it is 304.
   */
  private void get(Context ctx) throws IOException {
    UserId owner = owner(ctx);
    try (ArchivedDocument document = documents.document(owner, conversationId(ctx))) {
      boolean gzip = acceptsGzip(ctx.header(Header.ACCEPT_ENCODING));
      String etag = ETags.of(document.version(), gzip ? "gzip" : "identity");
      ctx.disableCompression();
      ctx.header(Header.ETAG, etag).header(Header.VARY, Header.ACCEPT_ENCODING);
      if (ETags.matches(ctx.header(Header.IF_NONE_MATCH), etag)) {
        ctx.status(304);
        return;
      }
      ctx.status(200).contentType("application/json");
      if (gzip) {
        ctx.header(Header.CONTENT_ENCODING, "gzip");
      }
      if (gzip && document.gzipped()) {
        if (document.length() >= 0) {
          ctx.res().setContentLengthLong(document.length());
        }
        try (InputStream body = document.body()) {
          body.transferTo(ctx.outputStream());
        }
      } else if (gzip) {
        try (InputStream body = document.body(); OutputStream out = new GZIPOutputStream(ctx.outputStream(), STREAM_BUFFER)) {
          body.transferTo(out);
        }
      } else {
        try (InputStream body = plain(document)) {
          body.transferTo(ctx.outputStream());
        }
      }
    }
  }

  /** The document's JSON, inflated as it is read when stored gzipped. */
  private static InputStream plain(ArchivedDocument document) throws IOException {
    return document.gzipped() ? new GZIPInputStream(document.body(), STREAM_BUFFER) : document.body();
  }

  /**
   * Whether Accept-Encoding allows gzip (RFC 9110 section 12.5.3): named, or covered by "*",
   * with a q-value above 0.
   */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    Boolean star = null;
    for (String item : acceptEncoding.split(",")) {
      String[] parts = item.trim().split(";");
      String coding = parts[0].trim().toLowerCase(Locale.ROOT);
      boolean allowed = true;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            allowed = Double.parseDouble(param.substring(2).trim()) > 0;
          } catch (NumberFormatException e) {
            allowed = false;
          }
        }
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        return allowed;
      }
      if (coding.equals("*")) {
        star = allowed;
      }
    }
    return Boolean.TRUE.equals(star);
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
   * Streams one JSON line per conversation, each stored document passed on as it is read (inflated
   * when stored gzipped), so an archive of any size goes out in constant memory. The first document
   * is opened before the status is sent, so that a storage failure up front is still a proper 503.
   */
  private void export(Context ctx) throws IOException {
    UserId owner = owner(ctx);
    if (ctx.method() == HandlerType.HEAD) {
      ctx.status(200).contentType(NDJSON);
      return;
    }
    try (Stream<ArchivedDocument> exported = documents.export(owner)) {
      Iterator<ArchivedDocument> it = exported.iterator();
      boolean any = it.hasNext();
      ctx.status(200).contentType(NDJSON).header("Content-Disposition", "attachment; filename=\"archived-chats.ndjson\"");
      OutputStream out = ctx.outputStream();
      if (any) {
        do {
          try (ArchivedDocument document = it.next(); InputStream line = plain(document)) {
            line.transferTo(out); // a document is one line of JSON
          }
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
