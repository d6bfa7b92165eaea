package dev.tessera.teststack;

import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.FreePorts;
import dev.tessera.deploy.stack.KafkaService;
import dev.tessera.deploy.stack.KafkaSetup;
import dev.tessera.deploy.stack.WatchedServer;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Kafka broker (one KRaft node that is broker and controller) in a container of the
 * official {@code apache/kafka} image, configured through the image's {@code KAFKA_*} variables
 * with the embedded broker's settings ({@link KafkaService#brokerDefaults()}: internal topics at
 * replication 1, the share-group lock and heartbeat settings).
 *
 * <p>Its client port is published on a fixed host port, chosen with {@link FreePorts} (and chosen
 * again when Docker finds it taken), because the broker advertises that address to clients and a
 * {@link #restart()} has to keep it: {@link #stop()} and {@link #restart()} stop and start the same
 * container, whose data survives.
 *
 * <p>Lifetime: the container runs from {@link #start} until {@link #stop()} or {@link #close()};
 * {@link #close()} removes it, is safe twice, and rules out a restart.
 */
final class ContainerBroker implements Broker, WatchedServer {
  private static final int CLIENT_PORT = 9092;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final GenericContainer<?> container;
  private final String bootstrapServers;
  private boolean closed;

  private ContainerBroker(GenericContainer<?> container, String bootstrapServers) {
    this.container = container;
    this.bootstrapServers = bootstrapServers;
  }

  static ContainerBroker start(String image) throws IOException {
    return FreePorts.retry("Kafka container", () -> startOn(image, FreePorts.next()));
  }

  private static ContainerBroker startOn(String image, int hostPort) throws IOException {
    String host = DockerClientFactory.instance().dockerHostIpAddress();
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withEnv(environment(host, hostPort))
            .waitingFor(
                Wait.forLogMessage(".*Kafka Server started.*", 1)
                    .withStartupTimeout(READY_TIMEOUT));
    container.setPortBindings(List.of(hostPort + ":" + CLIENT_PORT));
    ContainerStart.start(container, "Kafka");
    ContainerBroker broker = new ContainerBroker(container, host + ":" + hostPort);
    try {
      KafkaSetup.awaitReady(broker.bootstrapServers, broker, READY_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      container.stop();
      throw e;
    }
    return broker;
  }

  /**
   * The image's variables for a node whose clients reach it at {@code host:hostPort}; the broker
   * and controller talk to each other on listeners inside the container.
   */
  static Map<String, String> environment(String host, int hostPort) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@localhost:9093");
    config.put(
        "listeners",
        "PLAINTEXT://0.0.0.0:" + CLIENT_PORT + ",CONTROLLER://0.0.0.0:9093,BROKER://0.0.0.0:9094");
    config.put(
        "advertised.listeners",
        "PLAINTEXT://" + host + ":" + hostPort + ",BROKER://localhost:9094");
    config.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,BROKER:PLAINTEXT");
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "BROKER");
    config.put("log.dirs", "/var/lib/kafka/data");
    config.putAll(KafkaService.brokerDefaults());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_ID", Uuid.randomUuid().toString());
    config.forEach((property, value) -> env.put(variable(property), value));
    return env;
  }

  /**
   * The image's variable for a broker property: upper case, {@code _} doubled, {@code -} tripled,
   * {@code .} as _.
   */
  static String variable(String property) {
    return "KAFKA_"
        + property
            .replace("_", "__")
            .replace("-", "___")
            .replace('.', '_')
            .toUpperCase(Locale.ROOT);
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public synchronized boolean isRunning() {
    return !closed && container.isRunning();
  }

  /**
   * Stops the container (SIGTERM to the broker, SIGKILL after 30 s) and waits until it has stopped.
   */
  @Override
  public synchronized void stop() {
    if (isRunning()) {
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout((int) STOP_GRACE.toSeconds())
          .exec();
    }
  }

  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "the Kafka container at " + bootstrapServers + " is closed; start a new one");
    }
    stop();
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    KafkaSetup.awaitReady(bootstrapServers, this, READY_TIMEOUT);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }

  @Override
  public void checkAlive() throws IOException {
    if (!container.isRunning()) {
      throw new IOException(
          "the Kafka container " + container.getContainerId() + " stopped; its log:\n" + logTail());
    }
  }

  /** The last 60 lines the container wrote, over all its runs. */
  @Override
  public String logTail() {
    List<String> lines = container.getLogs().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
