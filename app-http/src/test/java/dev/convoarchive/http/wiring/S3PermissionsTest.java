package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.CheckStorageCommand;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * deploy/s3-policy.json, the IAM policy docs/operations.md gives, grants exactly the S3 actions the
 * service and its commands use (every layout, every route, the start-up probe, check-storage and
 * the maintenance commands), and only on objects under the prefix.
 */
class S3PermissionsTest {

  private static final Tokens tokens = Tokens.shared();
  /** The IAM action each SDK operation needs (AWS's "Actions defined by Amazon S3"). */
  private static final Map<String, String> ACTION = Map.of(
      "GetObject", "s3:GetObject",
      "HeadObject", "s3:GetObject",
      "PutObject", "s3:PutObject",
      "DeleteObject", "s3:DeleteObject",
      "DeleteObjects", "s3:DeleteObject",
      "ListObjectsV2", "s3:ListBucket",
      "HeadBucket", "s3:ListBucket");

  /** Records each operation and the key it touched. */
  static final class Recorder implements ExecutionInterceptor {
    final Set<String> operations = new ConcurrentSkipListSet<>();
    final Set<String> keys = new ConcurrentSkipListSet<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
      context.request().getValueForField("Key", String.class).ifPresent(keys::add);
      context.request().getValueForField("Prefix", String.class).ifPresent(keys::add);
    }
  }

  @Test
  void thePolicyGrantsExactlyWhatEveryLayoutAndCommandUses() throws Exception {
    Recorder recorder = new Recorder();
    for (StorageVariant variant : StorageVariant.values()) {
      try (TestService service = TestService.start(TestService.config(variant, tokens), List.of(recorder))) {
        everyRoute(service);
      }
    }
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    assertThat(CheckStorageCommand.run(AppConfig.loadStorage(Map.of(), new Properties()),
        new PrintStream(report, true, StandardCharsets.UTF_8), List.of(recorder))).isZero();

    JsonNode policy = new ObjectMapper().readTree(Path.of("..", "deploy", "s3-policy.json").toFile());
    Set<String> granted = new TreeSet<>();
    for (JsonNode statement : policy.get("Statement")) {
      statement.get("Action").forEach(action -> granted.add(action.asText()));
    }
    Set<String> used = new TreeSet<>();
    for (String operation : recorder.operations) {
      assertThat(ACTION).as("an operation the policy does not cover yet: " + operation).containsKey(operation);
      used.add(ACTION.get(operation));
    }
    assertThat(granted).isEqualTo(used);
    assertThat(recorder.keys).isNotEmpty()
        .allSatisfy(key -> assertThat(key).as("objects only under the prefix the policy names")
            .startsWith("archived_conversations/"));
    assertThat(policy.toString()).contains("arn:aws:s3:::YOUR-BUCKET/archived_conversations/*");
  }

  private static void everyRoute(TestService service) {
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    Conversation first = Conversations.sample(user, 2);
    Conversation second = Conversations.sample(user, 1);
    TestStores.live().restore(first);
    TestStores.live().restore(second);
    String me = "/v1/users/me";
    List<String[]> calls = List.of(
        new String[] {"POST", me + "/conversations/" + first.id().value() + "/archive"},
        new String[] {"POST", me + "/conversations/" + second.id().value() + "/archive"},
        new String[] {"GET", me + "/archive"},
        new String[] {"GET", me + "/archive/" + first.id().value()},
        new String[] {"GET", me + "/export"},
        new String[] {"POST", me + "/archive/" + first.id().value() + "/restore"},
        new String[] {"POST", me + "/reindex"},
        new String[] {"DELETE", me + "/archive/" + second.id().value()},
        new String[] {"POST", me + "/conversations/" + first.id().value() + "/archive"},
        new String[] {"DELETE", me + "/archive"},
        new String[] {"GET", "/health/ready"});
    for (String[] call : calls) {
      assertThat(service.send(call[0], call[1], token).statusCode()).as(call[0] + " " + call[1]).isLessThan(300);
    }
  }
}
