package dev.tessera.teststack;

import dev.tessera.deploy.stack.FreePorts;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.deploy.stack.S3Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A MinIO server in a container, with the key pair the embedded S3 server has. Its host port is
 * fixed when it starts, since clients keep the endpoint across a {@link #restart()}, which stops
 * and starts the same container (its objects survive).
 *
 * <p>Lifetime: the container runs from {@link #start} until {@link #stop()} or {@link #close()};
 * {@link #close()} removes it, is safe twice, and rules out a restart.
 */
final class ContainerObjectStore implements ObjectStore {
  private static final int SERVER_PORT = 9000;
  private static final int STOP_GRACE_SECONDS = 30;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final MinIOContainer container;
  private final int hostPort;
  private boolean stopped;
  private boolean closed;

  private ContainerObjectStore(MinIOContainer container, int hostPort) {
    this.container = container;
    this.hostPort = hostPort;
  }

  static ContainerObjectStore start(String image) throws IOException {
    return FreePorts.retry("MinIO container", () -> startOn(image, FreePorts.next()));
  }

  private static ContainerObjectStore startOn(String image, int hostPort) throws IOException {
    MinIOContainer container =
        new MinIOContainer(DockerImageName.parse(image))
            .withUserName(S3Service.ACCESS_KEY)
            .withPassword(S3Service.SECRET_KEY);
    container.setPortBindings(List.of(hostPort + ":" + SERVER_PORT));
    ContainerStart.start(container, "MinIO");
    return new ContainerObjectStore(container, hostPort);
  }

  @Override
  public String endpoint() {
    return "http://" + container.getHost() + ":" + hostPort;
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
  public synchronized void stop() {
    if (!stopped && !closed) {
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout(STOP_GRACE_SECONDS)
          .exec();
      stopped = true;
    }
  }

  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "the MinIO container at " + endpoint() + " is closed; start a new one");
    }
    stop();
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    stopped = false;
    awaitAnswer();
  }

  /** Waits until the restarted server answers HTTP, for at most {@link #READY_TIMEOUT}. */
  private void awaitAnswer() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(endpoint() + "/minio/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    try {
      while (System.nanoTime() < deadline) {
        try {
          int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status == 200) {
            return;
          }
          last = "HTTP " + status;
        } catch (IOException e) {
          last = e.toString();
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for MinIO at " + endpoint(), e);
    }
    throw new IOException(
        "MinIO at "
            + endpoint()
            + " did not answer within "
            + READY_TIMEOUT
            + " of its restart (last: "
            + last
            + ")");
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }
}
