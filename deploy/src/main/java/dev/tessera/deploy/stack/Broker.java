package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * A single-node Kafka broker with share groups enabled, whatever runs it ({@link KafkaService}
 * here, a container in the test stack's containers mode). Tests stop and restart it to stage an
 * outage; {@link #bootstrapServers()} stays the same across a restart, so clients configured before
 * it reconnect.
 *
 * <p>Lifetime: running from its start until {@link #stop()} or {@link #close()}; {@link #restart()}
 * brings a stopped broker back with its data. {@link #close()} is safe twice, and a closed broker
 * cannot be restarted.
 */
public interface Broker extends AutoCloseable {
  /** {@code host:port}, for {@code bootstrap.servers}. */
  String bootstrapServers();

  boolean isRunning();

  /**
   * Shuts the broker down cleanly and waits until it is gone; a no-op when it is stopped already.
   */
  void stop();

  /**
   * Stops the broker if it runs, starts it again on the same address with the same data, and waits
   * until ready.
   */
  void restart() throws IOException;

  @Override
  void close();
}
