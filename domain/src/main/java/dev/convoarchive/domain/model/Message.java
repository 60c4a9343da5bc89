package dev.convoarchive.domain.model;

import java.time.Instant;
import java.util.Map;

/**
 * One message of a conversation. {@code metadata} holds JSON values only (string, number, boolean,
 * null, list, map), the shape of the chat app's {@code jsonb} column; it is copied deeply and
 * unmodifiable so that an archived copy cannot change under its writer. {@code extraColumns} holds
 * the app's other columns of the message row (name to JSON value), which this service does not
 * read but keeps, so that a restore puts them back.
 */
public record Message(
    String id, Role role, String content, Instant createdAt, Map<String, Object> metadata,
    Map<String, Object> extraColumns) {

  public Message {
    id = Validation.identifier(id, "message.id");
    role = Validation.required(role, "message.role");
    content = Validation.required(content, "message.content");
    createdAt = Timestamps.normalize(createdAt, "message.createdAt");
    metadata = JsonValues.copyObject(metadata, "message.metadata");
    extraColumns = JsonValues.copyObject(extraColumns, "message.extraColumns");
  }

  public Message(String id, Role role, String content, Instant createdAt, Map<String, Object> metadata) {
    this(id, role, content, createdAt, metadata, Map.of());
  }

  public Message(String id, Role role, String content, Instant createdAt) {
    this(id, role, content, createdAt, Map.of());
  }

}
