package dev.tessera.scheduler;

import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.teststack.TestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real single-node Kafka broker with {@code render.events} created, for a {@code @QuarkusTest}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
  private Broker kafka;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("tessera-scheduler-kafka");
      kafka = TestStack.services().startBroker(dir);
      KafkaAdmin.createTopics(kafka.bootstrapServers(), java.util.List.of(Topics.EVENTS), 2);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
  }

  @Override
  public void stop() {
    kafka.close();
    TestDatabase.deleteTree(dir);
  }
}
