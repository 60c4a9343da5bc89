package dev.convoarchive.domain.usecase;

import java.util.function.Supplier;

/**
 * Numbers every port call a use case makes and fails exactly one of them, either before it takes
 * effect (the request never arrived) or after (it took effect but the caller never heard back),
 * which is how crashes and lost connections look from the use case.
 */
final class FaultPlan {

  static final class InjectedFault extends RuntimeException {
    InjectedFault(String message) {
      super(message);
    }
  }

  enum When { BEFORE, AFTER }

  private final int failAt;
  private final When when;
  private int steps;
  private String fired;

  FaultPlan(int failAt, When when) {
    this.failAt = failAt;
    this.when = when;
  }

  static FaultPlan none() {
    return new FaultPlan(-1, When.BEFORE);
  }

  synchronized <T> T step(String name, Supplier<T> effect) {
    int number = steps++;
    if (number == failAt && when == When.BEFORE) {
      throw fire(name, number);
    }
    T result = effect.get();
    if (number == failAt && when == When.AFTER) {
      throw fire(name, number);
    }
    return result;
  }

  private InjectedFault fire(String name, int number) {
    fired = when + " step " + number + " (" + name + ")";
    return new InjectedFault("injected fault " + fired);
  }

  /** Which step failed, or null if the run had fewer steps than {@code failAt}. */
  String fired() {
    return fired;
  }
}
