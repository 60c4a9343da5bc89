package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.config.ServiceKeyHash;
import dev.convoarchive.http.config.Settings;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.supabase.AppDatabases;
import dev.convoarchive.supabase.ChatApp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands, each with only the settings it needs. */
class CommandsTest {

  /** What a finished command printed and returned. */
  record Run(int exit, String out, String err) {}

  /**
   * Runs a command through the entry point main() calls, in this JVM (a process costs seconds),
   * with {@code env} as its whole environment.
   */
  static Run run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.command(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryCommandAndEverySettingWithItsDefault() {
    Run help = run(Map.of(), "", "--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("check-storage", "rebuild-index", "remove-orphans", "sweep --once", "service-key",
        "print-sql", "describe-live", "--version");
    for (Settings.Setting setting : Settings.ALL) {
      String line = "  " + setting.name() + (setting.defaultValue().isEmpty() ? "" : " (default: " + setting.defaultValue() + ")");
      assertThat(help.out()).as(setting.name()).contains(line + "\n");
    }
  }

  @Test
  void versionPrintsTheProjectsVersion() {
    Run version = run(Map.of(), "", "--version");

    assertThat(version.exit()).isZero();
    assertThat(version.out().trim()).isEqualTo("convo-archive " + System.getProperty("convo-archive.version"));
  }

  @Test
  void anUnknownCommandPointsAtHelp() {
    Run unknown = run(Map.of(), "", "archive-everything");

    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("--help");
  }

  /**
   * The store is checked before anything else is set up: no database, no auth settings. The AWS
   * SDK takes credentials from the process, not from the settings, so they are system properties
   * here for the duration (the one JVM-wide setting of this test).
   */
  @Test
  void checkStorageNeedsOnlyTheS3Settings() {
    System.setProperty("aws.accessKeyId", "embedded");
    System.setProperty("aws.secretAccessKey", "embedded");
    Run check;
    try {
      check = run(Map.of(
          "S3_BUCKET", TestStores.BUCKET,
          "S3_ENDPOINT", TestStores.s3().endpoint().toString(),
          "S3_PATH_STYLE", "true",
          "AWS_REGION", "us-east-1"), "", "check-storage");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }

    assertThat(check.exit()).as(check.out() + check.err()).isZero();
    assertThat(check.out()).contains("[PASS]").doesNotContain("SUPABASE_DB_URL");
  }

  @Test
  void serviceKeyPrintsAKeyAndTheHashThatAcceptsIt() {
    Run created = run(Map.of(), "", "service-key");
    assertThat(created.exit()).isZero();
    List<String> lines = created.out().lines().map(String::trim).toList();
    String key = lines.stream().filter(line -> line.startsWith(ServiceKeyHash.KEY_PREFIX)).findFirst().orElseThrow();
    String hash = lines.stream().filter(line -> line.startsWith("sha256:")).findFirst().orElseThrow();
    assertThat(ServiceKeyHash.parse(hash)).isEqualTo(ServiceKeyHash.of(key));

    Run hashed = run(Map.of(), key + "\n", "service-key", "--hash");
    assertThat(hashed.exit()).isZero();
    assertThat(hashed.out().trim()).isEqualTo(hash);
  }

  @Test
  void printSqlFillsInTheConfiguredNames() {
    Run sql = run(Map.of("LIVE_CONVERSATIONS_TABLE", "chats", "LIVE_CONVERSATIONS_USER_ID", "owner",
        "ACCOUNT_TABLE", "public.accounts(uid)"), "", "print-sql", "capture");

    assertThat(sql.exit()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("select '\"public\".\"chats\"'::regclass::oid")
        .contains("format('%L, %L', 'id', 'owner')").contains("to_regclass('\"public\".\"accounts\"')")
        .doesNotContain("${").doesNotContain("public.conversations");

    Run odd = run(Map.of("LIVE_CONVERSATIONS_TABLE", "chats'; drop table x"), "", "print-sql", "capture");
    assertThat(odd.exit()).as(odd.err()).isZero();
    assertThat(odd.out()).contains("'\"public\".\"chats''; drop table x\"'::regclass");

    Run bad = run(Map.of("LIVE_CONVERSATIONS_TABLE", "c".repeat(64)), "", "print-sql", "capture");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("LIVE_CONVERSATIONS_TABLE");
  }

  @Test
  void describeLivePrintsTheTreeOfTheConfiguredTables() {
    dev.convoarchive.supabase.SupabaseDbConfig db = AppDatabases.config(ChatApp.CHATBOT_UI);
    Map<String, String> env = new java.util.HashMap<>(ChatApp.CHATBOT_UI.settings());
    env.put("SUPABASE_DB_URL", db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password());

    Run described = run(env, "", "describe-live");

    assertThat(described.exit()).as(described.err()).isZero();
    assertThat(described.out())
        .contains("A conversation is a row of public.chats and every row below it")
        .contains("public.messages", "public.chat_files", "public.message_file_items")
        .contains("tied in by message_file_items_message_id_fkey: (message_id) -> public.messages (id), ON DELETE CASCADE")
        .contains("    image_paths text[]")
        .contains("No warnings.").doesNotContain("public.files  (")
        .contains("The app's deletes are not captured: run `print-sql capture`");

    Run withoutUrl = run(ChatApp.CHATBOT_UI.settings(), "", "describe-live");
    assertThat(withoutUrl.exit()).isEqualTo(2);
    assertThat(withoutUrl.err()).contains("SUPABASE_DB_URL: is required");

    env.put("LIVE_UNDECLARED_KEYS", "chats(id) to folders(id)");
    Run badKey = run(env, "", "describe-live");
    assertThat(badKey.exit()).isEqualTo(2);
    assertThat(badKey.err()).contains("LIVE_UNDECLARED_KEYS").contains("child_table(column, ...) -> parent_table");
  }
}
