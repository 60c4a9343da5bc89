package dev.convoarchive.http.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before they reach the routes (an ambiguous URI such as one with an
 * encoded slash, a malformed header) still get a problem+json answer instead of an HTML page.
 */
final class JettyProblemHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() >= 400 ? response.getStatus() : 400;
    Object message = request.getAttribute(ERROR_MESSAGE);
    String detail = message == null ? "the request was refused before routing" : message.toString();
    String body = "{\"type\":\"urn:convo-archive:problem:" + Problems.codeFor(status) + "\",\"title\":\"" + HttpStatus.getMessage(status) + "\","
        + "\"status\":" + status + ",\"detail\":\"" + detail.replaceAll("[\\\\\"\\p{Cntrl}]", "?")
        + "\",\"code\":\"" + Problems.codeFor(status) + "\"}";
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
