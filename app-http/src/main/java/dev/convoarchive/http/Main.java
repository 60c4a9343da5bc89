package dev.convoarchive.http;

import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.ConfigException;
import dev.convoarchive.http.local.LocalMode;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.UnsafeStorageException;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts the service: on the configured bucket and database, or in local mode when neither is
 * configured. With the argument {@code check-storage} it checks the configured bucket instead.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // One log format for everything, also what the embedded servers log through java.util.logging.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length > 0 && args[0].equals("check-storage")) {
      try {
        System.exit(CheckStorageCommand.run(AppConfig.fromEnvironment(), System.out, java.util.List.of()));
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        System.exit(2);
      }
      return;
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar convo-archive.jar [check-storage]");
      System.exit(2);
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
