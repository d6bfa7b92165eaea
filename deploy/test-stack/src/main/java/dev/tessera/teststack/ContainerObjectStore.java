package dev.tessera.teststack;

import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.deploy.stack.S3Service;
import java.io.IOException;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A MinIO server in a container, with the key pair the embedded S3 server has. Lifetime: the
 * container runs from {@link #start} until {@link #close()}, which removes it and is safe twice.
 */
final class ContainerObjectStore implements ObjectStore {
  private final MinIOContainer container;
  private boolean closed;

  private ContainerObjectStore(MinIOContainer container) {
    this.container = container;
  }

  static ContainerObjectStore start(String image) throws IOException {
    MinIOContainer container =
        new MinIOContainer(DockerImageName.parse(image))
            .withUserName(S3Service.ACCESS_KEY)
            .withPassword(S3Service.SECRET_KEY);
    ContainerStart.start(container, "MinIO");
    return new ContainerObjectStore(container);
  }

  @Override
  public String endpoint() {
    return container.getS3URL();
  }

  @Override
  public String accessKey() {
    return container.getUserName();
  }

  @Override
  public String secretKey() {
    return container.getPassword();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }
}
