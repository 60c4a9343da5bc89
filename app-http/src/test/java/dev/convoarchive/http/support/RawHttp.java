package dev.convoarchive.http.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client library will not send: repeated
 * headers, HTTP/0.9, bodies that stop half-way, bodies far over the limit.
 */
public final class RawHttp {

  private RawHttp() {}

  /** One response as read off the wire; {@code status} is 0 when the connection closed first. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends {@code head} (request line and headers, without the blank line), then {@code bodyBytes} of 'x'. */
  public static Response send(URI base, String head, long bodyBytes) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // The body goes from another thread, so that an answer sent before the body is complete is
      // read while the body is still being written, as a real client would.
      Thread writer = new Thread(() -> writeBody(out, bodyBytes), "raw-http-body");
      writer.setDaemon(true);
      writer.start();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As a simple client does: sends {@code head} and the whole body, and only then reads the
   * answer. Throws when the server resets the connection under the body (the answer is lost).
   */
  public static Response sendAllThenRead(URI base, String head, long bodyBytes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (long left = bodyBytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      out.flush();
      return read(socket.getInputStream());
    }
  }

  /** Sends the bytes as they are, then reads what comes back until the server closes or the answer ends. */
  public static Response sendRaw(URI base, String request) {
    return sendRaw(base, request, false);
  }

  /** As {@link #sendRaw(URI, String)}; {@code hangUp} closes the sending side first, as a client that gives up does. */
  public static Response sendRaw(URI base, String request, boolean hangUp) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      if (hangUp) {
        socket.shutdownOutput();
      }
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code head} (with its blank line), then one body byte every {@code every} until the
   * service answers or hangs up; returns what it answered.
   */
  public static Response trickle(URI base, String head, Duration every) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread writer = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(every.toMillis());
            out.write(' ');
            out.flush();
          }
        } catch (IOException | InterruptedException stopped) {
          // the service hung up, or the test is over
        }
      }, "raw-http-trickle");
      writer.setDaemon(true);
      writer.start();
      try {
        return read(socket.getInputStream());
      } finally {
        writer.interrupt();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeBody(OutputStream out, long bytes) {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'x');
    try {
      for (long left = bytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      out.flush();
    } catch (IOException closedByServer) {
      // expected once the server has answered and stopped reading
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    try {
      while (matched < 4 && (b = in.read()) != -1) {
        head.write(b);
        matched = (b == '\r' || b == '\n') ? (matched + 1) : 0;
      }
    } catch (IOException reset) {
      // connection reset before anything was read
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/")) {
      return new Response(0, Map.of(), text);
    }
    String[] lines = text.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, c) -> a + ", " + c);
      }
    }
    String length = headers.get("content-length");
    byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }
}
