package dev.tessera.deploy.stack;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The backing services as local processes started without Docker: {@link PostgresService}, {@link
 * KafkaService} and {@link S3Service}, each on free ports with its data under the directory given.
 * The default for tests and the only kind the local farm uses.
 */
public final class EmbeddedServices implements BackingServices {
  public static final EmbeddedServices INSTANCE = new EmbeddedServices();

  private EmbeddedServices() {}

  @Override
  public Database startDatabase(Path dir) throws IOException {
    return PostgresService.start(dir, 0);
  }

  @Override
  public Broker startBroker(Path dir) throws IOException {
    return KafkaService.start(dir, 0);
  }

  @Override
  public ObjectStore startObjectStore(Path dir) throws IOException {
    return S3Service.start(dir, 0);
  }
}
