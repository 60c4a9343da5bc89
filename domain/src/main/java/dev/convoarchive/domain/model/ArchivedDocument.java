package dev.convoarchive.domain.model;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An archived conversation as the archive stores it: its API representation in JSON (format
 * {@link ArchivedConversation#CURRENT_FORMAT_VERSION}), to be passed on without decoding.
 * {@code version} names these bytes (equal versions, equal bytes), {@code gzipped} says the body is
 * gzip, {@code length} is its size in bytes or -1 when unknown. The body is read once; whoever
 * holds the document closes it.
 */
public record ArchivedDocument(String version, boolean gzipped, long length, InputStream body) implements Closeable {

  public ArchivedDocument {
    version = Validation.required(version, "document.version");
    body = Validation.required(body, "document.body");
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
