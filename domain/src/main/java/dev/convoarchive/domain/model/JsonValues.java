package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as the model holds them: string, number (fractions as {@link BigDecimal}), boolean,
 * null, list or map, copied deeply.
 */
final class JsonValues {

  private JsonValues() {}

  /** A deep, unmodifiable copy of a JSON object; null is the empty object. */
  static Map<String, Object> copyObject(Map<?, ?> source, String path) {
    if (source == null) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : source.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidInputException(path, "keys must be strings");
      }
      copy.put(key, copyValue(entry.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * A fraction as the decimal it was written as (0.7, not 0.69999...): one form whoever parsed it,
   * so that a decimal of the app's comes back exactly and copies compare equal.
   */
  private static BigDecimal decimal(double value, String path) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new InvalidInputException(path, "must be a JSON number; NaN and infinities are not");
    }
    return BigDecimal.valueOf(value);
  }

  private static Object copyValue(Object value, String path) {
    if (value instanceof Double || value instanceof Float) {
      return decimal(((Number) value).doubleValue(), path);
    }
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
