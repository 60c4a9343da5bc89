package dev.convoarchive.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.auth.TokenVerifier;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ServiceKeyHash;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chat backend acting for its users with a service key of the service's own (what replaces
 * the legacy service_role key once a project moves to sb_secret_ keys): configured as hashes,
 * several at once so that keys can be rotated without a gap.
 */
class ServiceKeysTest {

  private static final Tokens tokens = Tokens.shared();
  private static final String OLD_KEY = ServiceKeyHash.newKey();
  private static final String NEW_KEY = ServiceKeyHash.newKey();
  private final UserId alice = UserId.random();

  private static TestService startWith(String... keys) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    List<ServiceKeyHash> hashes = Stream.of(keys).map(ServiceKeyHash::of).toList();
    return TestService.start(base.withAuth(base.auth().withServiceKeys(hashes)), List.of());
  }

  private HttpResponse<String> listAs(TestService service, String key) {
    return service.send("GET", "/v1/users/" + alice + "/archive", key);
  }

  @Test
  void bothKeysWorkDuringARotationAndTheRetiredOneIsRefusedAfterIt() {
    try (TestService during = startWith(OLD_KEY, NEW_KEY)) {
      assertThat(listAs(during, OLD_KEY).statusCode()).isEqualTo(200);
      assertThat(listAs(during, NEW_KEY).statusCode()).isEqualTo(200);
      assertThat(listAs(during, tokens.hs256(tokens.serviceRoleClaims())).statusCode())
          .as("the legacy service_role key, while the project still has it").isEqualTo(200);
    }
    try (TestService after = startWith(NEW_KEY)) {
      HttpResponse<String> retired = listAs(after, OLD_KEY);
      assertThat(retired.statusCode()).isEqualTo(401);
      assertThat(retired.body()).contains("not configured here (SERVICE_KEY_HASHES)");
      assertThat(listAs(after, NEW_KEY).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void wrongKeysAndSupabasesOwnNewKeysAreRefused() {
    try (TestService service = startWith(NEW_KEY)) {
      String almost = NEW_KEY.substring(0, NEW_KEY.length() - 1) + (NEW_KEY.endsWith("A") ? "B" : "A");
      assertThat(listAs(service, almost).statusCode()).isEqualTo(401);
      assertThat(listAs(service, NEW_KEY + " ").statusCode()).as("trailing space is trimmed like any token").isEqualTo(200);
      HttpResponse<String> secret = listAs(service, "sb_secret_" + "x".repeat(32));
      assertThat(secret.statusCode()).isEqualTo(401);
      assertThat(secret.body()).contains("sb_secret_").contains("SERVICE_KEY_HASHES");
      assertThat(listAs(service, "sb_publishable_" + "x".repeat(32)).statusCode()).isEqualTo(401);
      assertThat(service.send("GET", "/v1/users/me/archive", NEW_KEY).statusCode())
          .as("a service key is nobody's 'me'").isNotEqualTo(200);
    }
  }

  /** A project may choose to trust its own sb_secret_ key: its hash works like any other. */
  @Test
  void aProjectsSecretKeyWorksWhenItsHashIsConfigured() {
    String projectSecret = "sb_secret_" + "k".repeat(32);
    try (TestService service = startWith(projectSecret)) {
      assertThat(listAs(service, projectSecret).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void keysAreNeverInTheConfigurationOnlyTheirHashes() {
    String hash = ServiceKeyHash.of(NEW_KEY).toString();
    assertThat(hash).matches("sha256:[0-9a-f]{64}").doesNotContain(NEW_KEY.substring(ServiceKeyHash.KEY_PREFIX.length()));
    AppConfig config = AppConfig.load(java.util.Map.of("SERVICE_KEY_HASHES", hash + ", " + ServiceKeyHash.of(OLD_KEY)),
        new java.util.Properties());
    assertThat(config.auth().serviceKeys()).containsExactly(ServiceKeyHash.of(NEW_KEY), ServiceKeyHash.of(OLD_KEY));
    assertThat(NEW_KEY).matches(ServiceKeyHash.KEY_PREFIX + "[A-Za-z0-9_-]{43}");
  }

  /**
   * Keys are compared in constant time: as hashes, with MessageDigest.isEqual, and no other byte or
   * string comparison touches them.
   */
  @Test
  void theComparisonIsTimingSafe() {
    JavaClass hash = new ClassFileImporter().importClasses(ServiceKeyHash.class).get(ServiceKeyHash.class);
    assertThat(calls(hash.getMethod("matches", ServiceKeyHash.class))).contains("java.security.MessageDigest.isEqual");
    assertThat(calls(hash.getMethod("equals", Object.class))).contains("java.security.MessageDigest.isEqual");
    Set<String> all = hash.getMethodCallsFromSelf().stream().map(ServiceKeysTest::name).collect(Collectors.toSet());
    assertThat(all).doesNotContain("java.util.Arrays.equals", "java.lang.String.equals");

    JavaClass verifier = new ClassFileImporter().importClasses(TokenVerifier.class).get(TokenVerifier.class);
    assertThat(calls(verifier.getMethod("isServiceKey", String.class)))
        .contains(ServiceKeyHash.class.getName() + ".matches")
        .doesNotContain("java.util.Arrays.equals", "java.lang.String.equals");
  }

  private static Set<String> calls(JavaMethod method) {
    return method.getMethodCallsFromSelf().stream().map(ServiceKeysTest::name).collect(Collectors.toSet());
  }

  private static String name(JavaMethodCall call) {
    return call.getTargetOwner().getName() + "." + call.getName();
  }
}
