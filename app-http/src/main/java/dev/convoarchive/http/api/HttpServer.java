package dev.convoarchive.http.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.AppConfig.WebSettings;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.plugin.bundled.CorsPlugin;
import io.javalin.router.Endpoint;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles the Javalin server: routes, request ids, body limits, metrics and problem responses. */
public final class HttpServer {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final String STARTED = "convo-archive.started";
  /** How long a refused body is still read before the connection closes (nginx's lingering_time is 30 s). */
  static final Duration LINGER = Duration.ofSeconds(10);
  /**
   * A request body arriving slower than this is cut off (Jetty answers 408 and closes), so a
   * client that trickles a body cannot hold a worker thread for longer than it takes to see that.
   */
  static final long MIN_BODY_BYTES_PER_SECOND = 1024;
  /**
   * Method labels come from this closed set: a client can send any method token, and each one
   * would otherwise become a new metric series (seen: 2,000 made-up methods grew /metrics from 15
   * to 590 KB).
   */
  private static final Set<HandlerType> METRIC_METHODS = Set.copyOf(HandlerType.commonHttp());
  private static final Set<HandlerType> BODY_METHODS = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
  /** Headers a page's script may read from an answer (a browser hides the others). */
  private static final List<String> EXPOSED_HEADERS =
      List.of(RequestIds.HEADER, "Retry-After", "Location", "Content-Disposition", "ETag");
  /** How long a browser may reuse a preflight's answer (Chrome caps it at 2 hours). */
  static final int CORS_MAX_AGE_SECONDS = 600;

  private final ArchiveRoutes archive;
  private final OpsRoutes ops;
  private final Problems problems;
  private final Metrics metrics;
  private final ObjectMapper json;
  private final int maxBodyBytes;
  private final WebSettings web;

  @Inject
  public HttpServer(ArchiveRoutes archive, OpsRoutes ops, Problems problems, Metrics metrics, ObjectMapper json,
      AppConfig config) {
    this.archive = archive;
    this.ops = ops;
    this.problems = problems;
    this.metrics = metrics;
    this.json = json;
    this.maxBodyBytes = config.maxBodyBytes();
    this.web = config.web();
  }

  public Javalin create() {
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      // A path is served as written: /metrics/ is not /metrics, which a proxy's rule for the latter would miss.
      config.router.ignoreTrailingSlashes = false;
      config.http.prefer405over404 = true;
      config.http.maxRequestSize = maxBodyBytes;
      // A client that goes away mid-request is a client error, not one of ours.
      config.jetty.clientAbortStatus = 400;
      config.jetty.modifyServer(server -> {
        server.setStopTimeout(10_000); // let requests in flight finish on shutdown
        server.setErrorHandler(new JettyProblemHandler(problems));
      });
      config.jetty.modifyServletContextHandler(context ->
          context.insertHandler(new MinimumDataRateHandler(MIN_BODY_BYTES_PER_SECOND, 0)));
      // The order in which a request is judged: route (404/405, in the router), then credentials
      // (ArchiveRoutes' beforeMatched), then the body. Nothing reads a body before the first two
      // passed, so an unauthenticated sender of a slow or huge body costs no worker.
      config.routes.before(this::beforeRequest);
      allowOrigins(config);
      if (web.archivedChatsPage()) {
        ArchivedChatsPage.register(config.routes);
      }
      archive.register(config.routes, HttpServer::preflight);
      ops.register(config.routes, web.metricsPort().isEmpty());
      config.routes.beforeMatched(ctx -> {
        if (BODY_METHODS.contains(ctx.method())) {
          checkBody(ctx);
        }
      });
      config.routes.exception(Exception.class, problems::handle);
      config.routes.exception(AnswerSent.class, (sent, ctx) -> { });
      // Javalin's own 404/405 answers come as HttpResponseExceptions; without this they are plain text.
      config.routes.exception(HttpResponseException.class, problems::handle);
      config.routes.error(404, ctx -> problemIfEmpty(ctx, 404, "not-found", "no such route: " + ctx.method() + " " + ctx.path()));
      config.routes.error(405, ctx -> problemIfEmpty(ctx, 405, "method-not-allowed",
          ctx.method() + " is not allowed on " + ctx.path()));
      config.routes.after(this::afterRequest);
    });
  }

  /**
   * Browser pages from the configured origins may call /v1/. Javalin's CORS plugin adds the
   * headers (to preflights: the requested headers and method, Supabase's apikey and x-client-info
   * included); a preflight is a route of each API path, answered 204, so that it is logged and
   * counted with the status sent (the plugin turned a 405 into 200 after the log was written). A
   * request or preflight from another origin is refused here with 403 before anything runs: the
   * plugin only marks it 400 and lets the route run, or answered a preflight 200 without headers.
   * A page the service serves itself (same origin: the Origin names the Host the request was sent
   * to) needs no CORS at all.
   */
  private void allowOrigins(JavalinConfig config) {
    if (!web.corsAllowedOrigins().isEmpty()) {
      config.registerPlugin(new CorsPlugin(cors -> cors.addRule(rule -> {
        rule.path = "/v1/*";
        rule.allowCredentials = true;
        rule.maxAge = CORS_MAX_AGE_SECONDS;
        web.corsAllowedOrigins().forEach(origin -> rule.allowHost(origin));
        EXPOSED_HEADERS.forEach(rule::exposeHeader);
      })));
    }
    Set<String> allowed = Set.copyOf(web.corsAllowedOrigins());
    config.routes.beforeMatched("/v1/*", ctx -> {
      String origin = ctx.header(Header.ORIGIN);
      if (origin == null) {
        return;
      }
      if (!allowed.contains(origin.toLowerCase(Locale.ROOT)) && !sameOrigin(origin, ctx)) {
        throw new ApiException(403, "origin-not-allowed", "pages from " + InvalidInputException.quote(origin)
            + " may not call this service; its operator lists the allowed ones in CORS_ALLOWED_ORIGINS");
      }
      ctx.status(200); // undo the plugin's mark on a same-origin request
    });
  }

  /** A CORS preflight from an allowed origin (the origin check has passed): 204, the plugin's headers on it. */
  private static void preflight(Context ctx) {
    if (ctx.header(Header.ORIGIN) == null || ctx.header(Header.ACCESS_CONTROL_REQUEST_METHOD) == null) {
      throw new ApiException(405, "method-not-allowed",
          "OPTIONS is answered only as a CORS preflight (with Origin and Access-Control-Request-Method)");
    }
    ctx.status(204);
  }

  /** The Origin names the host the request was sent to (directly, or as a proxy forwarded it). */
  private static boolean sameOrigin(String origin, Context ctx) {
    String authority;
    try {
      authority = java.net.URI.create(origin).getRawAuthority();
    } catch (IllegalArgumentException e) {
      return false;
    }
    return authority != null && (authority.equalsIgnoreCase(String.valueOf(ctx.header(Header.HOST)))
        || authority.equalsIgnoreCase(String.valueOf(ctx.header("X-Forwarded-Host"))));
  }

  /**
   * A server with only /metrics, for METRICS_PORT: a scraper on a private network reaches it, the
   * public port does not serve it.
   */
  public Javalin createMetricsServer() {
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.router.ignoreTrailingSlashes = false;
      config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblemHandler(problems)));
      ops.registerMetrics(config.routes);
      config.routes.exception(Exception.class, problems::handle);
      config.routes.exception(HttpResponseException.class, problems::handle);
      config.routes.error(404, ctx -> problemIfEmpty(ctx, 404, "not-found", "this port serves only /metrics"));
    });
  }

  private void beforeRequest(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
    RequestIds.assign(ctx);
    int authorizations = Collections.list(ctx.req().getHeaders("Authorization")).size();
    if (authorizations > 1) {
      // Proxies and frameworks disagree on which of several to use; no answer would be safe.
      throw new ApiException(400, "invalid-request",
          "the request has " + authorizations + " Authorization headers; send exactly one");
    }
  }

  /**
   * The write routes take no body. A client may still send {@code {}} as JSON; anything else is
   * refused before it is read in full: over the limit is 413, another content type 415, and a
   * body that is not a JSON object 400.
   */
  private void checkBody(Context ctx) throws IOException {
    long length = ctx.req().getContentLengthLong();
    boolean chunked = "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"));
    if (length <= 0 && !chunked) {
      return;
    }
    if (length > maxBodyBytes) {
      refuseWhileReceiving(ctx, new ApiException(413, "too-large", "the request body has " + length + " bytes; at most "
          + maxBodyBytes + " are accepted, and this endpoint needs none"));
    }
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/json")) {
      refuseWhileReceiving(ctx, new ApiException(415, "unsupported-media-type",
          "this endpoint takes no body; send none, or {} as application/json"));
    }
    byte[] body;
    try {
      body = ctx.req().getInputStream().readNBytes(maxBodyBytes + 1);
    } catch (IOException cutShort) {
      // The client went away, sent a broken chunk, or sent too slowly: its fault, logged as such.
      LOG.info("request body unreadable: {}", cutShort.toString());
      throw new ApiException(400, "invalid-request", "the request body ended early or arrived too slowly");
    }
    if (body.length > maxBodyBytes) {
      refuseWhileReceiving(ctx, new ApiException(413, "too-large", "the request body exceeds " + maxBodyBytes + " bytes"));
    }
    if (body.length > 0) {
      try {
        if (!json.readTree(body).isObject()) {
          throw new ApiException(400, "invalid-input", "the request body must be a JSON object, or absent");
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new ApiException(400, "invalid-input", "the request body is not valid JSON");
      }
    }
  }

  /**
   * Refuses a request whose body is still arriving, as nginx's lingering close does: the answer
   * is sent at once (with Connection: close), then what the client still sends is read and
   * dropped, for at most {@link #LINGER}, and only then is the connection closed. Closing with
   * the body unread resets the connection, and a client still sending (a 33 MB body) lost the
   * answer to the reset.
   */
  private void refuseWhileReceiving(Context ctx, ApiException refusal) throws IOException {
    byte[] answer = problems.body(refusal.status(), refusal.code(), refusal.getMessage());
    ctx.res().setStatus(refusal.status());
    ctx.res().setContentType(Problems.CONTENT_TYPE);
    ctx.res().setHeader(Header.CONNECTION, "close");
    ctx.res().setContentLength(answer.length);
    ctx.res().getOutputStream().write(answer);
    ctx.res().flushBuffer();
    long until = System.nanoTime() + LINGER.toNanos();
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = ctx.req().getInputStream();
      while (System.nanoTime() < until && in.read(buffer) >= 0) {
        // dropped
      }
    } catch (IOException goneOrTooSlow) {
      // the client stopped sending; the answer is already on its way
    }
    throw new AnswerSent();
  }

  /** The answer is already written (and the route must not run): nothing more to send. */
  static final class AnswerSent extends RuntimeException {
    AnswerSent() {
      super(null, null, false, false);
    }
  }

  /** Router errors become problems; a problem a route already wrote (a domain 404) is kept. */
  private void problemIfEmpty(Context ctx, int status, String code, String detail) {
    if (!Problems.CONTENT_TYPE.equals(ctx.res().getContentType())) {
      problems.write(ctx, status, code, detail);
    }
  }

  private void afterRequest(Context ctx) {
    if (ctx.statusCode() == 204 || ctx.statusCode() == 304) {
      // No content, so no content type (Javalin would otherwise add its default text/plain).
      ctx.res().setContentType(null);
    }
    Long started = ctx.attribute(STARTED);
    long nanos = started == null ? 0 : System.nanoTime() - started;
    Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
    String route = endpoint == null || endpoint.method == HandlerType.BEFORE ? "unmatched" : endpoint.path;
    metrics.recordHttp(METRIC_METHODS.contains(ctx.method()) ? ctx.method().name() : "OTHER", route, ctx.statusCode(), nanos);
    LOG.info("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), nanos / 1_000_000);
    RequestIds.clear();
  }
}
