package dev.convoarchive.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.convoarchive.s3.S3ArchiveConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few S3 requests a backfill makes (PUT, GET, HEAD, DELETE of an object, and multi-object
 * DELETE), answered from memory on loopback, path-style. The backfill stores 100,000 objects in a
 * bucket, and the embedded S3Mock rewrites a bucket's whole key list on every write (9 writes a
 * second at 13,000 keys), so it would measure S3Mock. What a remote S3 costs comes from the
 * bench's network model on the client, as in every other scenario; this server adds none.
 */
final class MemoryS3 implements AutoCloseable {

  private static final Pattern DELETE_KEY = Pattern.compile("<Key>([^<]*)</Key>");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(64, task -> {
    Thread thread = new Thread(task, "memory-s3");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong bytesPut = new AtomicLong();

  private MemoryS3(HttpServer server) {
    this.server = server;
  }

  static MemoryS3 start() throws IOException {
    MemoryS3 s3 = new MemoryS3(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512));
    s3.server.createContext("/", s3::handle);
    s3.server.setExecutor(s3.threads);
    s3.server.start();
    return s3;
  }

  S3ArchiveConfig config(String bucket) {
    return S3ArchiveConfig.forBucket(bucket)
        .withEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), true);
  }

  int objectCount() {
    return objects.size();
  }

  /** The mean bytes of the objects written so far, as stored (compressed when the layout compresses). */
  double meanObjectBytes() {
    return puts.get() == 0 ? 0 : (double) bytesPut.get() / puts.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String key = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      byte[] body = read(exchange);
      exchange.getResponseHeaders().add("x-amz-request-id", "memory");
      if (key.indexOf('/', 1) < 0 && !method.equals("POST")) {
        // The bucket itself: it exists, and lists as empty (a backfill never lists).
        if (method.equals("GET")) {
          xml(exchange, 200, "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + key.substring(1)
              + "</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
        } else {
          exchange.sendResponseHeaders(200, -1);
        }
        return;
      }
      switch (method) {
        case "PUT" -> {
          if ("*".equals(exchange.getRequestHeaders().getFirst("If-None-Match")) && objects.containsKey(key)) {
            error(exchange, 412, "PreconditionFailed");
            return;
          }
          objects.put(key, body);
          puts.incrementAndGet();
          bytesPut.addAndGet(body.length);
          exchange.getResponseHeaders().add("ETag", etag(body));
          exchange.sendResponseHeaders(200, -1);
        }
        case "GET", "HEAD" -> {
          byte[] stored = objects.get(key);
          if (stored == null) {
            error(exchange, 404, "NoSuchKey");
            return;
          }
          exchange.getResponseHeaders().add("ETag", etag(stored));
          exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
          if (method.equals("HEAD")) {
            exchange.getResponseHeaders().add("Content-Length", String.valueOf(stored.length));
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(200, stored.length);
            exchange.getResponseBody().write(stored);
          }
        }
        case "DELETE" -> {
          objects.remove(key);
          exchange.sendResponseHeaders(204, -1);
        }
        case "POST" -> {
          // DeleteObjects: POST /bucket?delete with the keys in XML.
          String bucket = key.endsWith("/") ? key : key + "/";
          StringBuilder deleted = new StringBuilder();
          Matcher keys = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
          while (keys.find()) {
            String name = keys.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            objects.remove(bucket + name);
            deleted.append("<Deleted><Key>").append(keys.group(1)).append("</Key></Deleted>");
          }
          xml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + deleted + "</DeleteResult>");
        }
        default -> error(exchange, 405, "MethodNotAllowed");
      }
    }
  }

  /** The request's payload, without the aws-chunked framing the SDK puts around a body with a checksum trailer. */
  private static byte[] read(HttpExchange exchange) throws IOException {
    byte[] raw;
    try (InputStream in = exchange.getRequestBody()) {
      raw = in.readAllBytes();
    }
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
    boolean chunked = (encoding != null && encoding.contains("aws-chunked")) || (sha != null && sha.startsWith("STREAMING"));
    if (!chunked) {
      return raw;
    }
    ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
    int at = 0;
    while (at < raw.length) {
      int lineEnd = indexOf(raw, at);
      String header = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        break; // the trailer (checksums) follows
      }
      payload.write(raw, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return payload.toByteArray();
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    throw new IllegalArgumentException("a chunk header without its line end");
  }

  private static String etag(byte[] body) {
    try {
      return "\"" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(body)) + "\"";
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static void error(HttpExchange exchange, int status, String code) throws IOException {
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    xml(exchange, status, "<Error><Code>" + code + "</Code><Message>" + code + "</Message></Error>");
  }

  private static void xml(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
