package dev.tessera.deploy.stack;

/**
 * An S3 server for the farm's results, whatever runs it ({@link S3Service} here, MinIO in a
 * container in the test stack's containers mode); clients address it path-style at {@link
 * #endpoint()}.
 *
 * <p>Lifetime: the server runs until {@link #close()}, which stops it and is safe twice.
 */
public interface ObjectStore extends AutoCloseable {
  /** {@code http://host:port}. */
  String endpoint();

  String accessKey();

  String secretKey();

  @Override
  void close();
}
