package dev.convoarchive.http.wiring;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients and pools the adapters' modules add to the set of {@link AutoCloseable}s, closed in
 * one place: by the service when it stops, and by the bench and the tests that build injectors of
 * their own.
 */
public final class Resources {

  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);
  private static final Key<Set<AutoCloseable>> CLOSEABLES = Key.get(new TypeLiteral<>() {});

  private Resources() {}

  /** Closes every one; one that fails to close is logged and does not keep the others open. */
  public static void closeAll(Injector injector) {
    List<AutoCloseable> resources;
    try {
      resources = List.copyOf(injector.getInstance(CLOSEABLES));
    } catch (RuntimeException e) {
      LOG.warn("could not collect the resources to close: {}", e.toString());
      return;
    }
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
