package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Enums spelled as text in JSON, SQL or configuration, read back with a message that lists what is valid. */
public final class EnumNames {

  private EnumNames() {}

  /** The constant whose {@code name} is {@code text}; otherwise invalid input naming {@code field} and the valid names. */
  public static <E extends Enum<E>> E parse(Class<E> type, Function<E, String> name, String field, String text) {
    for (E constant : type.getEnumConstants()) {
      if (name.apply(constant).equals(text)) {
        return constant;
      }
    }
    throw new InvalidInputException(field, "must be one of "
        + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", "))
        + "; got " + InvalidInputException.quote(text));
  }
}
