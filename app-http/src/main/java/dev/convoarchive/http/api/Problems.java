package dev.convoarchive.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.error.ArchiveException;
import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.error.NotFoundException;
import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.http.auth.AuthException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} response. Domain
 * exceptions map one-to-one onto statuses; anything unexpected is a 500 that is logged here, once,
 * with the request id, and never shows its internals to the client.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";
  static final String RETRY_AFTER_SECONDS = "5";
  /** Contention clears as soon as the racing writers are done. */
  static final String CONTENDED_RETRY_AFTER_SECONDS = "1";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final Map<Integer, String> TITLES = Map.ofEntries(
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
      Map.entry(409, "Conflict"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
      Map.entry(415, "Unsupported Media Type"), Map.entry(426, "Upgrade Required"),
      Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
      Map.entry(503, "Service Unavailable"));

  private final ObjectMapper json;

  public Problems(ObjectMapper json) {
    this.json = json;
  }

  public void handle(Exception e, Context ctx) {
    if (e instanceof ArchiveException domain) {
      handleDomain(domain, ctx);
    } else if (e instanceof AuthException auth) {
      if (auth.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer");
      } else if (auth.status() == 503) {
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      }
      write(ctx, auth.status(), auth.code(), auth.getMessage());
    } else if (e instanceof ApiException api) {
      write(ctx, api.status(), api.code(), api.getMessage());
    } else if (e instanceof HttpResponseException http) {
      String allowed = http.getDetails().get("availableMethods");
      if (http.getStatus() == 405 && allowed != null) {
        ctx.header("Allow", allowed);
      }
      write(ctx, http.getStatus(), codeFor(http.getStatus()), http.getMessage());
    } else {
      LOG.error("request failed unexpectedly", e);
      write(ctx, 500, "internal", "the request failed unexpectedly; report request id " + MDC.get(RequestIds.MDC_KEY));
    }
  }

  private void handleDomain(ArchiveException e, Context ctx) {
    if (e instanceof InvalidInputException) {
      write(ctx, 400, "invalid-input", e.getMessage());
    } else if (e instanceof NotFoundException) {
      write(ctx, 404, "not-found", e.getMessage());
    } else if (e instanceof ConflictException) {
      write(ctx, 409, "conflict", e.getMessage());
    } else if (e instanceof StorageUnavailableException unavailable) {
      // Keys, SQL and pool statistics go to the operator's log; the caller learns which side failed.
      LOG.warn("storage unavailable: {}", e.getMessage());
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      write(ctx, 503, "storage-unavailable", (unavailable.store().startsWith("S3") ? "the archive storage" : "the database")
          + " did not answer in time or failed; nothing was changed that a retry cannot finish; retry later");
    } else if (e instanceof ContentionException contended) {
      LOG.info("gave up on {} after {} attempts", contended.resource(), contended.attempts());
      ctx.header("Retry-After", CONTENDED_RETRY_AFTER_SECONDS);
      write(ctx, 503, "contended", e.getMessage());
    } else if (e instanceof DamagedArchiveException damaged) {
      // The key goes to the operator's log, once and without a stack trace; the caller gets the code.
      LOG.error("stored object {} could not be decoded: {}", damaged.location(),
          damaged.getCause() == null ? "" : damaged.getCause().getMessage());
      write(ctx, 500, "damaged-archive", e.getMessage());
    }
  }

  /** Writes a problem response; also used for 404/405 from the router. */
  public void write(Context ctx, int status, String code, String detail) {
    ctx.status(status).contentType(CONTENT_TYPE).result(body(status, code, detail));
  }

  /** The problem document every refusal carries, from the routes and from Jetty alike. */
  byte[] body(int status, String code, String detail) {
    Views.Problem problem = new Views.Problem("urn:convo-archive:problem:" + code,
        TITLES.getOrDefault(status, "Error"), status, detail, code, MDC.get(RequestIds.MDC_KEY));
    try {
      return json.writeValueAsBytes(problem);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid-input";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "too-large";
      case 415 -> "unsupported-media-type";
      default -> status >= 500 ? "internal" : "invalid-request";
    };
  }
}
