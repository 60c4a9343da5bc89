package dev.convoarchive.http.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before they reach the routes (an ambiguous URI such as one with an
 * encoded slash, a malformed header) still get the same problem+json answer as the routes give.
 */
final class JettyProblemHandler extends ErrorHandler {

  private final Problems problems;

  JettyProblemHandler(Problems problems) {
    this.problems = problems;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() >= 400 ? response.getStatus() : 400;
    if (status == 505) {
      // An HTTP version Jetty does not speak (HTTP/0.9, say) is the client's to fix, not ours.
      status = 400;
    }
    Object message = request.getAttribute(ERROR_MESSAGE);
    String detail = message == null ? "the request was refused before routing" : message.toString();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(problems.body(status, Problems.codeFor(status), detail)), callback);
    return true;
  }
}
