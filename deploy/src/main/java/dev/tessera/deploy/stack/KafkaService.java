package dev.tessera.deploy.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka cluster (one KRaft node that is broker and controller), run from {@code
 * org.apache.kafka:kafka_2.13} in a JVM of its own, so a test can stop, kill and restart it like a
 * real broker, and the broker's jars stay out of the caller's classpath. Share groups (KIP-932)
 * work out of the box: the log directory is formatted at the latest production release (4.2), which
 * enables {@code share.version=1}.
 *
 * <p>Broker defaults for a one-node stack (any of them can be overridden through {@code
 * brokerConfig}):
 *
 * <ul>
 *   <li>internal topics ({@code __consumer_offsets}, transaction state, {@code
 *       __share_group_state}) at replication factor 1 and 4 partitions; without replication 1 the
 *       share coordinator never comes up and share fetches return nothing;
 *   <li>{@code auto.create.topics.enable=false}: topics are created explicitly ({@link
 *       KafkaSetup#createTopic}), so a misspelt topic fails fast instead of becoming a queue nobody
 *       reads; {@code num.partitions=4};
 *   <li>share groups: record lock 30 s ({@code group.share.record.lock.duration.ms}), allowed from
 *       1 s (short locks in tests) to 1 h (long renders); heartbeat 1 s so new consumers get their
 *       assignment quickly.
 * </ul>
 *
 * <p>Files under the data directory: {@code server.properties}, {@code log4j2.properties}, {@code
 * kafka.log} (the broker's output, appended across restarts) and {@code logs/} (the partitions and
 * the KRaft metadata log).
 *
 * <p>Lifetime: running from {@link #start} until {@link #stop}, {@link #kill} or {@link #close()};
 * {@link #restart} brings it back on the same ports with the same data. {@link #close()} is safe
 * twice; afterwards the service cannot be restarted. The broker JVM never outlives the JVM that
 * started it.
 */
public final class KafkaService implements Broker {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final String RUNTIME = "kafka";

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private ServerProcess broker;
  private boolean closed;

  private KafkaService(Path dataDir, int port, int controllerPort) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** Starts a broker with the stack's defaults; see {@link #start(Path, int, Map)}. */
  public static KafkaService start(Path dataDir, int port) throws IOException {
    return start(dataDir, port, Map.of());
  }

  /**
   * Starts a broker listening on 127.0.0.1:{@code port} with its data under {@code dataDir},
   * formatting the log directory on first use, and returns once it answers an Admin client. With
   * {@code port} 0 it chooses free ports, and chooses again when another process takes one before
   * the broker binds it ({@link FreePorts#retry}).
   *
   * @param brokerConfig broker properties that replace or extend the {@linkplain #brokerDefaults()
   *     defaults}, e.g. {@code group.share.record.lock.duration.ms}; they are kept for {@link
   *     #restart}.
   */
  public static KafkaService start(Path dataDir, int port, Map<String, String> brokerConfig)
      throws IOException {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    if (port > 0) {
      return startOn(dir, port, FreePorts.next(), brokerConfig);
    }
    return FreePorts.retry(
        "Kafka broker", () -> startOn(dir, FreePorts.next(), FreePorts.next(), brokerConfig));
  }

  private static KafkaService startOn(
      Path dir, int port, int controllerPort, Map<String, String> brokerConfig) throws IOException {
    KafkaService kafka = new KafkaService(dir, port, controllerPort);
    kafka.writeConfig(brokerConfig);
    if (!Files.exists(kafka.logDir().resolve("meta.properties"))) {
      kafka.format();
    }
    kafka.launch();
    return kafka;
  }

  /**
   * The broker settings of a one-node stack that do not depend on where it runs (addresses and
   * directories aside); a broker in a container gets the same ones.
   */
  public static Map<String, String> brokerDefaults() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("num.partitions", "4");
    config.put("auto.create.topics.enable", "false");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("share.coordinator.state.topic.num.partitions", "4");
    // A broker killed and restarted re-registers only after its old session expired (default 9 s).
    config.put("broker.heartbeat.interval.ms", "500");
    config.put("broker.session.timeout.ms", "3000");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("group.share.record.lock.duration.ms", "30000");
    config.put("group.share.min.record.lock.duration.ms", "1000");
    config.put("group.share.max.record.lock.duration.ms", "3600000");
    config.put("group.share.heartbeat.interval.ms", "1000");
    config.put("group.share.min.heartbeat.interval.ms", "1000");
    return config;
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker's output, useful when a test fails. */
  public Path logFile() {
    return dataDir.resolve("kafka.log");
  }

  @Override
  public synchronized boolean isRunning() {
    return broker != null && broker.isAlive();
  }

  /**
   * Shuts the broker down cleanly (SIGTERM, as an operator would) and waits until its JVM has
   * exited.
   */
  @Override
  public synchronized void stop() {
    if (broker != null) {
      broker.stop();
      broker = null;
    }
  }

  /**
   * Kills the broker at once (SIGKILL), as a crash would; what it had acknowledged survives a
   * {@link #restart}.
   */
  public synchronized void kill() {
    if (broker != null) {
      broker.kill();
      broker = null;
    }
  }

  /**
   * Stops the broker if it runs, then starts it again on the same ports with the same data and
   * configuration.
   */
  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "KafkaService at " + dataDir + " is closed; start a new one instead");
    }
    stop();
    launch();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      stop();
    }
  }

  private synchronized void launch() throws IOException {
    broker =
        ServerProcess.launch(
            JvmCommand.onRuntime(
                "Kafka broker",
                RUNTIME,
                jvmOptions(),
                "kafka.Kafka",
                List.of(dataDir.resolve("server.properties").toString())),
            logFile());
    try {
      KafkaSetup.awaitReady(bootstrapServers(), broker, READY_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      broker.kill();
      broker = null;
      throw e;
    }
  }

  /**
   * Writes the KRaft metadata and a fresh cluster id into the log directory ({@code StorageTool
   * format}).
   */
  private void format() throws IOException {
    ServerProcess.run(
        JvmCommand.onRuntime(
            "Kafka StorageTool format",
            RUNTIME,
            jvmOptions(),
            "kafka.tools.StorageTool",
            List.of(
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                dataDir.resolve("server.properties").toString())),
        logFile(),
        FORMAT_TIMEOUT);
  }

  private List<String> jvmOptions() {
    // C1 only and the serial collector: the broker is up in about 2 s instead of 6 s with the JVM's
    // defaults on two
    // cores; a local broker's throughput does not need C2.
    return List.of(
        "-Xms128m",
        "-Xmx768m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.properties"));
  }

  private Path logDir() {
    return dataDir.resolve("logs");
  }

  private void writeConfig(Map<String, String> overrides) throws IOException {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    // A static voter set: the controller's address comes from this file on every start, so the data
    // directory
    // does not pin the ports (a dynamic quorum, formatted with --standalone, would record them).
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    config.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logDir().toString());
    config.putAll(brokerDefaults());
    config.putAll(overrides);
    Properties properties = new Properties();
    properties.putAll(config);
    try (var out = Files.newBufferedWriter(dataDir.resolve("server.properties"))) {
      properties.store(out, "written by " + KafkaService.class.getName() + " on every start");
    }
    try (InputStream in = KafkaService.class.getResourceAsStream("kafka-log4j2.properties")) {
      Files.copy(in, dataDir.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
