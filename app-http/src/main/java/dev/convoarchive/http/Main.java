package dev.convoarchive.http;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ConfigException;
import dev.convoarchive.http.config.ServiceKeyHash;
import dev.convoarchive.http.config.Settings;
import dev.convoarchive.http.local.LocalMode;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.UnsafeStorageException;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts the service: on the configured bucket and database, or in local mode when neither is
 * configured. With an argument it runs a command instead (see {@link #USAGE}).
 */
public final class Main {

  static final String USAGE = String.join("\n",
      "usage: java -jar convo-archive.jar [COMMAND]",
      "",
      "Without a command, runs the service: on S3_BUCKET and SUPABASE_DB_URL, or with neither set in",
      "local mode, on an embedded S3 server and PostgreSQL.",
      "",
      "commands:",
      "  check-storage            check that the S3 store keeps the guarantees the storage variant relies on",
      "                           (needs only the S3 settings)",
      "  rebuild-index            rebuild the per-file index from the objects in S3",
      "  remove-orphans [PT24H]   delete archive objects no index entry names, older than the age given",
      "  sweep --once             archive every conversation due now, then exit",
      "  service-key              print a new service key and the hash to add to SERVICE_KEY_HASHES",
      "  service-key --hash       read a key on standard input and print its hash",
      "  describe-live            print what a conversation is in the live database: every table of its",
      "                           tree, the key that ties it in with its ON DELETE action, its row count",
      "                           and column types, and warnings about what cannot be followed",
      "  print-sql SCRIPT         print a SQL script for the configured table names: "
          + String.join(", ", SupabaseDatabase.SCRIPTS),
      "  --help                   this text",
      "  --version                the version",
      "",
      "Settings are environment variables (or -D system properties of the same name):");

  private Main() {}

  /** Runs a command with the settings {@code env} (and the system properties); returns the exit code. */
  static int command(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    try {
      return switch (args[0]) {
        case "--help", "-h", "help" -> {
          out.print(help());
          yield 0;
        }
        case "--version" -> {
          out.println("convo-archive " + version());
          yield 0;
        }
        case "service-key" -> serviceKey(args, in, out, err);
        case "print-sql" -> {
          if (args.length != 2 || !SupabaseDatabase.SCRIPTS.contains(args[1])) {
            yield usage(err);
          }
          SupabaseSettings.Names names = AppConfig.loadDatabaseNames(env, System.getProperties());
          out.print(SupabaseDatabase.script(args[1], names.schema(), names.serviceSchema(), names.tables()));
          yield 0;
        }
        case "describe-live" -> {
          if (args.length != 1) {
            yield usage(err);
          }
          out.print(SupabaseDatabase.describeLive(AppConfig.loadDatabase(env, System.getProperties())));
          yield 0;
        }
        case "check-storage" -> args.length == 1
            ? CheckStorageCommand.run(AppConfig.loadStorage(env, System.getProperties()), out, List.of())
            : usage(err);
        case "rebuild-index" -> args.length == 1 ? MaintenanceCommand.rebuildIndex(AppConfig.load(env, System.getProperties()), out) : usage(err);
        case "remove-orphans" -> args.length <= 2
            ? MaintenanceCommand.removeOrphans(AppConfig.load(env, System.getProperties()), args.length == 2 ? args[1] : null, out)
            : usage(err);
        case "sweep" -> args.length == 2 && args[1].equals("--once")
            ? SweepCommand.once(AppConfig.load(env, System.getProperties()), out, err) : usage(err);
        default -> usage(err);
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ConfigException | UnsafeStorageException e) {
      err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("convo-archive " + args[0] + " failed: " + e.getMessage());
      return 1;
    }
  }

  /** The commands, then every setting with its default, from the one list docs/operations.md shows too. */
  static String help() {
    StringBuilder text = new StringBuilder(USAGE).append("\n\n");
    for (Settings.Setting setting : Settings.ALL) {
      text.append("  ").append(setting.name());
      if (!setting.defaultValue().isEmpty()) {
        text.append(" (default: ").append(setting.defaultValue()).append(')');
      }
      text.append("\n      ").append(setting.meaning().replace("`", "")).append('\n');
    }
    return text.toString();
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      properties.load(in);
    } catch (IOException | NullPointerException e) {
      return "(unknown version)";
    }
    return properties.getProperty("version", "(unknown version)");
  }

  private static int serviceKey(String[] args, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 1) {
      String key = ServiceKeyHash.newKey();
      out.println("service key (give it to the chat backend; it is shown only now):");
      out.println("  " + key);
      out.println("its hash (add it to SERVICE_KEY_HASHES, comma-separated with the others):");
      out.println("  " + ServiceKeyHash.of(key));
      return 0;
    }
    if (args.length == 2 && args[1].equals("--hash")) {
      try {
        String key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (key == null || key.isBlank()) {
          err.println("service-key --hash: give the key on standard input");
          return 2;
        }
        out.println(ServiceKeyHash.of(key.trim()));
        return 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return usage(err);
  }

  /** The failure's message and, where they add something, its causes', one after the other. */
  static String reasons(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !text.toString().contains(message)) {
        text.append("\n  because: ").append(message);
      }
    }
    return text.toString();
  }

  private static int usage(PrintStream err) {
    err.println(USAGE.lines().findFirst().orElseThrow() + "; --help lists the commands and settings");
    return 2;
  }

  public static void main(String[] args) {
    // One log format for everything, also what the embedded servers log through java.util.logging.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length > 0) {
      System.exit(command(args, System.getenv(), System.in, System.out, System.err));
      return;
    }
    AutoCloseable service;
    try {
      AppConfig config = AppConfig.fromEnvironment();
      if (config.localMode()) {
        LocalMode.Running running = LocalMode.start(config);
        service = running;
        System.out.println(running.banner());
      } else {
        service = Application.start(config);
      }
    } catch (ConfigException | UnsafeStorageException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // A refusal is read by a person: its message, and each cause's, without a stack trace (which
      // goes to the log at debug level). Exit even though embedded servers may have left threads.
      System.err.println("convo-archive cannot start: " + reasons(e));
      org.slf4j.LoggerFactory.getLogger(Main.class).debug("start-up failed", e);
      System.exit(1);
      return;
    }
    AutoCloseable started = service;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        started.close();
      } catch (Exception e) {
        System.err.println("convo-archive did not stop cleanly: " + e);
      }
    }, "shutdown"));
  }
}
