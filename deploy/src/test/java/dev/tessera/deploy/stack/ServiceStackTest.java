package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.kafka.KafkaAdmin;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceStackTest {
  @TempDir Path dir;

  @Test
  void startsAllThreeServicesDescribesThemAsEnvironmentAndSharesItsDatabase() throws Exception {
    long t0 = System.nanoTime();
    ServiceStack stack = ServiceStack.start(dir, Map.of());
    System.out.printf(
        "Stack: PostgreSQL, Kafka and S3 started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    try (stack) {
      Map<String, String> env = stack.environment();
      assertEquals(
          List.of(
              "JDBC_URL",
              "JDBC_USER",
              "JDBC_PASSWORD",
              "KAFKA_BOOTSTRAP",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY"),
          List.copyOf(env.keySet()));
      env.forEach((key, value) -> assertFalse(value.isBlank(), key));
      assertTrue(stack.database().isPresent());

      try (var c =
          DriverManager.getConnection(
              env.get("JDBC_URL"), env.get("JDBC_USER"), env.get("JDBC_PASSWORD"))) {
        assertTrue(c.isValid(5));
      }
      KafkaAdmin.createTopics(env.get("KAFKA_BOOTSTRAP"), java.util.List.of("render.jobs.test"), 2);
      MinioClient minio =
          MinioClient.builder()
              .endpoint(env.get("S3_ENDPOINT"))
              .credentials(env.get("S3_ACCESS_KEY"), env.get("S3_SECRET_KEY"))
              .build();
      minio.makeBucket(MakeBucketArgs.builder().bucket("results").build());
      assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket("results").build()));

      // a second stack on this one's database, named as an operator would name an existing server
      try (ServiceStack second =
          ServiceStack.start(
              dir.resolve("second"),
              Map.of(
                  ServiceStack.ENV_JDBC_URL, env.get("JDBC_URL"),
                  ServiceStack.ENV_JDBC_USER, env.get("JDBC_USER"),
                  ServiceStack.ENV_JDBC_PASSWORD, env.get("JDBC_PASSWORD")))) {
        assertTrue(second.database().isEmpty());
        assertEquals(env.get("JDBC_URL"), second.environment().get("JDBC_URL"));
        assertNotEquals(env.get("KAFKA_BOOTSTRAP"), second.environment().get("KAFKA_BOOTSTRAP"));
      }
    }
    stack.close();
    assertFalse(stack.kafka().isRunning());
  }

  @Test
  void aWrongExternalDatabaseFailsBeforeAnythingStarts() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var e =
        assertThrows(
            IOException.class,
            () ->
                ServiceStack.start(
                    dir,
                    Map.of(
                        ServiceStack.ENV_JDBC_URL,
                        "jdbc:postgresql://127.0.0.1:" + closedPort + "/tessera",
                        ServiceStack.ENV_JDBC_USER,
                        "tessera")));
    assertTrue(e.getMessage().contains(ServiceStack.ENV_JDBC_URL), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ServiceStack.start(
                dir,
                Map.of(ServiceStack.ENV_JDBC_URL, "jdbc:postgresql://127.0.0.1:5432/tessera")));
    assertFalse(dir.resolve("kafka").toFile().exists(), "nothing was started");
  }
}
