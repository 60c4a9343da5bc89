package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;

/** Small checks shared by the value types; failures name the field a caller has to fix. */
final class Validation {

  private Validation() {}

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "is required");
    }
    return value;
  }

  static String identifier(String value, String field) {
    if (value == null || value.isBlank() || value.length() > 128
        || value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(field,
          "must be 1 to 128 characters without control characters; got "
              + InvalidInputException.quote(value));
    }
    return value;
  }
}
