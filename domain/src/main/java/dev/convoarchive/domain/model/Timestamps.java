package dev.convoarchive.domain.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants are kept to the microsecond, the precision PostgreSQL stores, so copies compare equal. */
final class Timestamps {

  private Timestamps() {}

  static Instant normalize(Instant instant, String field) {
    return Validation.required(instant, field).truncatedTo(ChronoUnit.MICROS);
  }
}
