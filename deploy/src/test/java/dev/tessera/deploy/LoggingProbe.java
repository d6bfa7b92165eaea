package dev.tessera.deploy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs as the libraries do (through SLF4J) and as Tessera does (System.Logger), for {@link
 * LoggingDefaultsTest}.
 */
public final class LoggingProbe {
  private LoggingProbe() {}

  public static void main(String[] args) {
    Logger library = LoggerFactory.getLogger("org.apache.kafka.clients.Probe");
    library.info("library info");
    library.warn("library warning");
    System.getLogger("dev.tessera.deploy.Probe").log(System.Logger.Level.INFO, "tessera info");
  }
}
