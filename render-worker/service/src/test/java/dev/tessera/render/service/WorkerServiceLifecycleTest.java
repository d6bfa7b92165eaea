package dev.tessera.render.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker service's start-up and shutdown, without Quarkus, on a real broker and S3 server. */
@NeedsStack
class WorkerServiceLifecycleTest {
  @TempDir static Path dir;
  private static Broker kafka;
  private static ObjectStore s3;

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    kafka = services.startBroker(dir.resolve("kafka"));
    s3 = services.startObjectStore(dir.resolve("s3"));
  }

  @AfterAll
  static void stop() {
    s3.close();
    kafka.close();
  }

  private static WorkerConfig config(String models) {
    return new WorkerConfig() {
      @Override
      public String id() {
        return "lifecycle-test";
      }

      @Override
      public String kafkaBootstrap() {
        return kafka.bootstrapServers();
      }

      @Override
      public String group() {
        return "lifecycle-test";
      }

      @Override
      public String models() {
        return models;
      }

      @Override
      public Optional<String> upscalerX4() {
        return Optional.empty();
      }

      @Override
      public Optional<String> upscalerSr() {
        return Optional.empty();
      }

      @Override
      public int maxDeliveries() {
        return 5;
      }

      @Override
      public String device() {
        return "cpu";
      }

      @Override
      public int threads() {
        return 1;
      }

      @Override
      public Duration stallTimeout() {
        return Duration.ofMinutes(2);
      }

      @Override
      public int eventPartitions() {
        return 1;
      }

      @Override
      public String s3Endpoint() {
        return s3.endpoint();
      }

      @Override
      public String s3AccessKey() {
        return s3.accessKey();
      }

      @Override
      public String s3SecretKey() {
        return s3.secretKey();
      }

      @Override
      public String s3Bucket() {
        return "tessera";
      }
    };
  }

  private static String bundle() {
    return MiniatureFixtures.bundle(MiniatureKind.SD2, false).toString();
  }

  private static boolean loopThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("worker-loop") && t.isAlive());
  }

  private static void awaitPhase(WorkerService service, WorkerService.Phase phase)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (service.phase() != phase && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(phase, service.phase(), service.failure());
  }

  @Test
  void startsTakesWorkAndStopsWithNothingLeftRunning() throws Exception {
    WorkerService service = new WorkerService(config("mini=" + bundle()));
    service.onStart(null);
    awaitPhase(service, WorkerService.Phase.READY);
    assertTrue(loopThreadAlive());
    service.onStop(null);
    assertTrue(!loopThreadAlive(), "the queue loop stopped with the service");
  }

  @Test
  void aShutdownDuringStartUpNeverStartsTheWorker() throws Exception {
    // Three models to load: shutdown begins while the first still loads.
    String b = bundle();
    WorkerService service = new WorkerService(config("a=" + b + ",b=" + b + ",c=" + b));
    service.onStart(null);
    service.onStop(null);
    Thread.sleep(
        3_000); // a start-up the shutdown stopped waiting for would have started the loop by now
    assertNotEquals(WorkerService.Phase.READY, service.phase());
    assertTrue(!loopThreadAlive(), "no queue loop after shutdown began");
    assertTrue(service.loopStatus().isEmpty(), "no worker was made");
  }

  @Test
  void aFailureHalfWayThroughOpeningModelsFailsTheStartUpAndNamesTheCause() throws Exception {
    WorkerService service =
        new WorkerService(config("good=" + bundle() + ",bad=" + dir.resolve("no-such-bundle")));
    service.onStart(null);
    awaitPhase(service, WorkerService.Phase.FAILED);
    assertTrue(service.failure().contains("no-such-bundle"), service.failure());
    assertTrue(!loopThreadAlive());
    service.onStop(null);
  }
}
