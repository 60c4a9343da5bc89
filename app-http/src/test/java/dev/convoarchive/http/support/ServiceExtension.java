package dev.convoarchive.http.support;

import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the real service once for a test class and stops it after: register it as a static
 * field with {@code @RegisterExtension}.
 */
public final class ServiceExtension implements BeforeAllCallback, AfterAllCallback {

  private final StorageVariant variant;
  private final Tokens tokens;
  private TestService service;

  private ServiceExtension(StorageVariant variant, Tokens tokens) {
    this.variant = variant;
    this.tokens = tokens;
  }

  /** The service in {@code variant}, accepting tokens of the shared stand-in Supabase Auth. */
  public static ServiceExtension of(StorageVariant variant) {
    return new ServiceExtension(variant, Tokens.shared());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    service = TestService.start(variant, tokens);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  public TestService service() {
    if (service == null) {
      throw new IllegalStateException("the service runs only between beforeAll and afterAll");
    }
    return service;
  }

  public Tokens tokens() {
    return tokens;
  }

  public HttpResponse<String> send(String method, String path, String token) {
    return service().send(method, path, token);
  }
}
