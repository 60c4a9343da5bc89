package dev.convoarchive.http;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ConfigException;
import dev.convoarchive.http.local.LocalMode;
import dev.convoarchive.http.sweep.SweepCommand;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.UnsafeStorageException;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts the service: on the configured bucket and database, or in local mode when neither is
 * configured. With an argument it runs a command instead: {@code check-storage} checks the
 * configured bucket; {@code rebuild-index} and {@code remove-orphans} are maintenance (see
 * {@link MaintenanceCommand}); {@code sweep --once} archives everything due (see {@link SweepCommand}).
 */
public final class Main {

  private static final String USAGE =
      "usage: java -jar convo-archive.jar [check-storage | rebuild-index | remove-orphans [PT24H] | sweep --once]";

  private Main() {}

  /** Runs a command; returns the exit code. */
  private static int command(String[] args) {
    try {
      AppConfig config = AppConfig.fromEnvironment();
      return switch (args[0]) {
        case "check-storage" -> args.length == 1 ? CheckStorageCommand.run(config, System.out, java.util.List.of()) : usage();
        case "rebuild-index" -> args.length == 1 ? MaintenanceCommand.rebuildIndex(config, System.out) : usage();
        case "remove-orphans" -> args.length <= 2
            ? MaintenanceCommand.removeOrphans(config, args.length == 2 ? args[1] : null, System.out) : usage();
        case "sweep" -> args.length == 2 && args[1].equals("--once") ? SweepCommand.once(config, System.out, System.err) : usage();
        default -> usage();
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ConfigException | UnsafeStorageException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("convo-archive " + args[0] + " failed: " + e.getMessage());
      return 1;
    }
  }

  private static int usage() {
    System.err.println(USAGE);
    return 2;
  }

  public static void main(String[] args) {
    // One log format for everything, also what the embedded servers log through java.util.logging.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length > 0) {
      System.exit(command(args));
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
      // Exit even though embedded servers may have left threads behind.
      System.err.println("convo-archive cannot start: " + e);
      e.printStackTrace();
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
