package dev.tessera.teststack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.Database;
import dev.tessera.deploy.stack.ObjectStore;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containers stack itself, where a Docker engine answers (skipped elsewhere, saying so): each
 * service starts, is reachable as the farm reaches it, and the broker survives a stop and restart
 * on the same address.
 */
class ContainerServicesTest {
  @TempDir Path dir;
  private BackingServices containers;

  /**
   * Skips each test, naming why, where no Docker engine answers (a skip in a BeforeAll is not
   * reported).
   */
  @BeforeEach
  void needsDocker() {
    containers =
        TestStack.services(TestStack.choose(TestStack.CONTAINERS, TestStack::dockerAnswers));
  }

  @Test
  void theDatabaseIsTesseraOnPostgresql() throws Exception {
    try (Database db = containers.startDatabase(dir);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
      assertTrue(rs.next());
      assertEquals("tessera", rs.getString(1));
    }
  }

  @Test
  void theBrokerHasShareGroupsAndKeepsItsAddressAndRecordsAcrossARestart() throws Exception {
    try (Broker kafka = containers.startBroker(dir)) {
      String bootstrap = kafka.bootstrapServers();
      KafkaAdmin.createTopics(bootstrap, List.of("render.jobs.containers"), 1);
      KafkaAdmin.readShareGroupFromEarliest(bootstrap, "containers-test");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringSerializer(),
              new StringSerializer())) {
        producer
            .send(new ProducerRecord<>("render.jobs.containers", "job-1"))
            .get(30, TimeUnit.SECONDS);
      }
      kafka.stop();
      assertFalse(kafka.isRunning());
      kafka.restart();
      assertTrue(kafka.isRunning());
      assertEquals(bootstrap, kafka.bootstrapServers());
      try (Admin admin = KafkaAdmin.admin(bootstrap)) {
        TopicPartition queue = new TopicPartition("render.jobs.containers", 0);
        long end =
            admin
                .listOffsets(Map.of(queue, OffsetSpec.latest()))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(queue)
                .offset();
        assertEquals(1, end, "the record written before the restart is still there");
      }
    }
  }

  @Test
  void theObjectStoreIsMinioWithTheStacksKeys() throws Exception {
    try (ObjectStore s3 = containers.startObjectStore(dir)) {
      MinioClient minio =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials(s3.accessKey(), s3.secretKey())
              .build();
      minio.makeBucket(MakeBucketArgs.builder().bucket("tessera").build());
      byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
      minio.putObject(
          PutObjectArgs.builder().bucket("tessera").object("results/x.png").stream(
                  new ByteArrayInputStream(png), png.length, -1)
              .build());
      try (var in =
          minio.getObject(
              GetObjectArgs.builder().bucket("tessera").object("results/x.png").build())) {
        assertArrayEquals(png, in.readAllBytes());
      }
    }
  }
}
