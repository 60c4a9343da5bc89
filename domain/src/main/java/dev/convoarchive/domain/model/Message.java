package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of a conversation. {@code metadata} holds JSON values only (string, number, boolean,
 * null, list, map), the shape of the chat app's {@code jsonb} column; it is copied deeply and
 * unmodifiable so that an archived copy cannot change under its writer.
 */
public record Message(String id, Role role, String content, Instant createdAt, Map<String, Object> metadata) {

  public Message {
    id = Validation.identifier(id, "message.id");
    role = Validation.required(role, "message.role");
    content = Validation.required(content, "message.content");
    createdAt = Timestamps.normalize(createdAt, "message.createdAt");
    metadata = metadata == null ? Map.of() : copyObject(metadata, "message.metadata");
  }

  public Message(String id, Role role, String content, Instant createdAt) {
    this(id, role, content, createdAt, Map.of());
  }

  private static Map<String, Object> copyObject(Map<?, ?> source, String path) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : source.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidInputException(path, "keys must be strings");
      }
      copy.put(key, copyValue(entry.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Object copyValue(Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      return copyObject(map, path);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(copyValue(list.get(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new InvalidInputException(path,
        "must be a JSON value (string, number, boolean, null, list or map); got a "
            + value.getClass().getSimpleName());
  }
}
