package dev.tessera.teststack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker container's configuration, which needs no Docker to check. */
class ContainerBrokerTest {
  @Test
  void propertiesBecomeTheImagesVariables() {
    assertEquals(
        "KAFKA_GROUP_SHARE_RECORD_LOCK_DURATION_MS",
        ContainerBroker.variable("group.share.record.lock.duration.ms"));
    assertEquals("KAFKA_A__B___C_D", ContainerBroker.variable("a_b-c.d"));
  }

  @Test
  void clientsAreSentToThePublishedPortAndTheEmbeddedBrokersSettingsApply() {
    Map<String, String> env = ContainerBroker.environment("localhost", 40000);
    assertEquals(
        "PLAINTEXT://localhost:40000,BROKER://localhost:9094",
        env.get("KAFKA_ADVERTISED_LISTENERS"));
    assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
    assertEquals("1", env.get("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR"));
    assertEquals("1", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
    assertEquals("30000", env.get("KAFKA_GROUP_SHARE_RECORD_LOCK_DURATION_MS"));
    assertEquals("1000", env.get("KAFKA_GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS"));
    assertEquals("1000", env.get("KAFKA_GROUP_SHARE_HEARTBEAT_INTERVAL_MS"));
    assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
    assertTrue(env.containsKey("CLUSTER_ID"));
  }
}
