package dev.tessera.deploy.stack;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How the farm's backing services are started: {@link EmbeddedServices} runs them as processes from
 * Maven Central artifacts (no Docker); the test stack module adds one that runs them in containers.
 * Tests and {@link ServiceStack} start services through this seam only, so they run unchanged
 * against either.
 *
 * <p>Each service returned belongs to the caller, who closes it.
 */
public interface BackingServices {
  /** Starts PostgreSQL with a database {@code tessera}; {@code dir} may hold its data. */
  Database startDatabase(Path dir) throws IOException;

  /** Starts a single-node Kafka broker with share groups; {@code dir} may hold its data. */
  Broker startBroker(Path dir) throws IOException;

  /** Starts an S3 server; {@code dir} may hold its objects. */
  ObjectStore startObjectStore(Path dir) throws IOException;
}
