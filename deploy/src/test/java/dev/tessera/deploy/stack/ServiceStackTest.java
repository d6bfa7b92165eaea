package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void startsAllThreeServicesAndDescribesThemAsEnvironment() throws Exception {
    long t0 = System.nanoTime();
    ServiceStack stack = ServiceStack.start(dir, Map.of());
    System.out.printf("Stack: PostgreSQL, Kafka and S3 started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    try (stack) {
      Map<String, String> env = stack.environment();
      assertEquals(List.of("JDBC_URL", "JDBC_USER", "JDBC_PASSWORD", "KAFKA_BOOTSTRAP", "S3_ENDPOINT",
          "S3_ACCESS_KEY", "S3_SECRET_KEY"), List.copyOf(env.keySet()));
      env.forEach((key, value) -> assertFalse(value.isBlank(), key));
      assertTrue(stack.postgres().isPresent());

      try (var c = DriverManager.getConnection(env.get("JDBC_URL"), env.get("JDBC_USER"), env.get("JDBC_PASSWORD"))) {
        assertTrue(c.isValid(5));
      }
      KafkaSetup.createTopic(env.get("KAFKA_BOOTSTRAP"), "render.jobs.test", 2);
      MinioClient minio = MinioClient.builder().endpoint(env.get("S3_ENDPOINT"))
          .credentials(env.get("S3_ACCESS_KEY"), env.get("S3_SECRET_KEY")).build();
      minio.makeBucket(MakeBucketArgs.builder().bucket("results").build());
      assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket("results").build()));
    }
    stack.close();
    assertFalse(stack.kafka().isRunning());
  }

  @Test
  void usesAnExistingPostgresNamedByTheEnvironment() throws Exception {
    try (PostgresService existing = PostgresService.start(dir.resolve("existing"), 0);
        ServiceStack stack = ServiceStack.start(dir.resolve("stack"), Map.of(
            ServiceStack.ENV_JDBC_URL, existing.jdbcUrl(),
            ServiceStack.ENV_JDBC_USER, existing.user(),
            ServiceStack.ENV_JDBC_PASSWORD, existing.password()))) {
      assertTrue(stack.postgres().isEmpty());
      assertEquals(existing.jdbcUrl(), stack.environment().get("JDBC_URL"));
    }
  }

  @Test
  void aWrongExternalDatabaseFailsBeforeAnythingStarts() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var e = assertThrows(IOException.class, () -> ServiceStack.start(dir, Map.of(
        ServiceStack.ENV_JDBC_URL, "jdbc:postgresql://127.0.0.1:" + closedPort + "/tessera",
        ServiceStack.ENV_JDBC_USER, "tessera")));
    assertTrue(e.getMessage().contains(ServiceStack.ENV_JDBC_URL), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServiceStack.start(dir, Map.of(
        ServiceStack.ENV_JDBC_URL, "jdbc:postgresql://127.0.0.1:5432/tessera")));
    assertFalse(dir.resolve("kafka").toFile().exists(), "nothing was started");
  }
}
