package dev.tessera.teststack;

import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.Database;
import dev.tessera.deploy.stack.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The backing services in containers, through Testcontainers, for machines with a Docker engine:
 * PostgreSQL at the embedded server's major version, Kafka from the official image at the version
 * of the kafka-clients jar (share groups need 4.1 or later), and a real MinIO server. Each start
 * runs a new container and leaves the directory it is given unused: the data lives in the
 * container. Testcontainers' own settings apply (a registry mirror through {@code
 * hub.image.name.prefix}, a remote engine through {@code DOCKER_HOST}).
 */
final class ContainerServices implements BackingServices {
  static final String POSTGRES_IMAGE = "postgres:14-alpine";
  static final String KAFKA_IMAGE = "apache/kafka:" + AppInfoParser.getVersion();
  static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

  @Override
  public Database startDatabase(Path dir) throws IOException {
    return ContainerDatabase.start(POSTGRES_IMAGE);
  }

  @Override
  public Broker startBroker(Path dir) throws IOException {
    return ContainerBroker.start(KAFKA_IMAGE);
  }

  @Override
  public ObjectStore startObjectStore(Path dir) throws IOException {
    return ContainerObjectStore.start(MINIO_IMAGE);
  }
}
