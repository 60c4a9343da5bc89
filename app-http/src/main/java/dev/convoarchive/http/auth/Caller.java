package dev.convoarchive.http.auth;

import dev.convoarchive.domain.model.UserId;
import java.util.Optional;

/** Who sent a request: a signed-in user, or the chat backend acting with the service role. */
public record Caller(Optional<UserId> user, boolean serviceRole) {

  public static Caller user(UserId id) {
    return new Caller(Optional.of(id), false);
  }

  public static Caller service() {
    return new Caller(Optional.empty(), true);
  }
}
