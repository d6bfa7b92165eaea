package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * An S3 server for the farm's results, whatever runs it ({@link S3Service} here, MinIO in a
 * container in the test stack's containers mode); clients address it path-style at {@link
 * #endpoint()}.
 *
 * <p>Lifetime: the server runs from its start until {@link #stop()} or {@link #close()}; {@link
 * #restart()} brings a stopped server back at the same endpoint with the same objects, so clients
 * configured before an outage reconnect. {@link #close()} is safe twice, and a closed store cannot
 * be restarted.
 */
public interface ObjectStore extends AutoCloseable {
  /** {@code http://host:port}. */
  String endpoint();

  String accessKey();

  String secretKey();

  /** Shuts the server down and waits until it is gone; a no-op when it is stopped already. */
  void stop();

  /** Stops the server if it runs, starts it again at the same endpoint with the same objects. */
  void restart() throws IOException;

  @Override
  void close();
}
