package dev.convoarchive.domain.model;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What storing one conversation of several came to: its result, or the failure that stored
 * nothing for it while the others went on.
 */
public record Stored(Optional<StoreResult> result, Optional<RuntimeException> failure) {

  public Stored {
    if (result.isPresent() == failure.isPresent()) {
      throw new IllegalArgumentException("a store has either a result or a failure");
    }
  }

  public static Stored of(StoreResult result) {
    return new Stored(Optional.of(result), Optional.empty());
  }

  public static Stored failed(RuntimeException failure) {
    return new Stored(Optional.empty(), Optional.of(failure));
  }

  /** Runs {@code store}, keeping its failure as the result instead of throwing it. */
  public static Stored attempt(Supplier<StoreResult> store) {
    try {
      return of(store.get());
    } catch (RuntimeException e) {
      return failed(e);
    }
  }
}
