package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.upscale.LanczosUpscaler;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.teststack.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker outage longer than the record lock, in the middle of a render, does not disturb it: the
 * job was accepted before it started, so the worker renders it to the end, once, reports it when
 * the broker is back, and goes on taking work.
 */
class RenderWorkerRecoveryTest {
  private static final String MODEL = "mini";
  private static final String GROUP = "recovery-test";

  @TempDir Path dir;

  @Test
  void aBrokerOutageMidRenderNeitherStopsNorRepeatsTheJob() throws Exception {
    BackingServices services = TestStack.services();
    try (Broker kafka = services.startBroker(dir.resolve("kafka"));
        ObjectStore s3 = services.startObjectStore(dir.resolve("s3"))) {
      String bootstrap = kafka.bootstrapServers();
      KafkaAdmin.createTopics(bootstrap, List.of(Topics.jobs(MODEL), Topics.EVENTS), 1);
      KafkaAdmin.readShareGroupFromEarliest(bootstrap, GROUP);
      KafkaAdmin.setRecordLock(bootstrap, GROUP, Duration.ofSeconds(2));
      ResultStore store = new ResultStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), "tessera");
      store.ensureBucket();
      try (Renderer renderer =
              Renderer.open(
                  MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
          EventPublisher events = new EventPublisher(bootstrap);
          KafkaConsumer<String, byte[]> eventsConsumer = eventsConsumer(bootstrap)) {
        JobExecutor executor =
            new JobExecutor(
                Map.of(MODEL, renderer), Map.of(UpscaleMode.LANCZOS, new LanczosUpscaler()));
        JobRunner runner =
            new JobRunner(
                executor,
                new ResultUploader(store::put, ResultUploader.Policy.once()),
                events,
                new CancelledJobs(100),
                new NoActivity(),
                new WorkerMetrics(new SimpleMeterRegistry()),
                new JobRunner.Policy("w1", Duration.ZERO),
                Clock.systemUTC());
        RenderWorker worker =
            new RenderWorker(bootstrap, GROUP, List.of(Topics.jobs(MODEL)), runner);
        Thread loop = new Thread(worker, "worker-loop");
        loop.start();
        try {
          List<JobEvent> seen = new ArrayList<>();
          RenderJob slow = job(400);
          submit(bootstrap, slow);
          awaitEvent(eventsConsumer, seen, slow.jobId(), JobEvent.Started.class);
          kafka.stop();
          Instant down = Instant.now();
          Thread.sleep(5_000); // more than two lock periods
          kafka.restart();
          awaitEvent(eventsConsumer, seen, slow.jobId(), JobEvent.Succeeded.class);
          assertEquals(
              1,
              seen.stream()
                  .filter(e -> e.jobId().equals(slow.jobId()) && e instanceof JobEvent.Started)
                  .count(),
              "rendered once, through the outage: " + seen);
          JobEvent done =
              seen.stream()
                  .filter(e -> e.jobId().equals(slow.jobId()) && e instanceof JobEvent.Succeeded)
                  .findFirst()
                  .orElseThrow();
          assertTrue(done.at().isAfter(down), "the outage came mid-render: " + done);
          assertTrue(
              seen.stream()
                  .filter(e -> e.jobId().equals(slow.jobId()))
                  .noneMatch(e -> e instanceof JobEvent.Failed),
              seen.toString());

          RenderJob next = job(2);
          submit(bootstrap, next);
          awaitEvent(eventsConsumer, seen, next.jobId(), JobEvent.Succeeded.class);
          assertEquals(RenderWorker.State.POLLING, awaitIdle(worker), "idle again after the work");
          assertEquals(0, worker.status().failedAcknowledgements(), worker.status().toString());
        } finally {
          worker.close();
          loop.join(30_000);
        }
      }
    }
  }

  private static RenderJob job(int steps) {
    RenderSettings settings =
        new RenderSettings("A person standing on road", "", 1, steps, 7, "euler", false, 512, 512);
    return new RenderJob(UUID.randomUUID(), MODEL, settings, "lanczos", 512, Instant.now(), 1);
  }

  private static void submit(String bootstrap, RenderJob job) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(Topics.jobs(MODEL), job.jobId().toString(), Json.encode(job)))
          .get();
    }
  }

  /**
   * Reads every record of {@code render.events} once: assigned, not in a group, so that the
   * broker's restart cannot move it back to a committed offset and show a record twice.
   */
  private static KafkaConsumer<String, byte[]> eventsConsumer(String bootstrap) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.EVENTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static void awaitEvent(
      KafkaConsumer<String, byte[]> consumer,
      List<JobEvent> seen,
      UUID jobId,
      Class<? extends JobEvent> type) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (seen.stream().noneMatch(e -> e.jobId().equals(jobId) && type.isInstance(e))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + type.getSimpleName() + " for job " + jobId + "; seen: " + seen);
      }
      for (var record : consumer.poll(Duration.ofMillis(500))) {
        seen.add(Json.decode(record.value(), JobEvent.class));
      }
    }
  }

  private static RenderWorker.State awaitIdle(RenderWorker worker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (worker.status().state() != RenderWorker.State.POLLING && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return worker.status().state();
  }
}
