package dev.tessera.deploy.farm;

import dev.tessera.common.kafka.KafkaAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dispatch latency benchmark ({@code ./farm bench-dispatch}): on a fresh farm with one idle
 * worker, how long a job takes from its submission to its start on the worker, against the raw
 * round trip of the same broker (produce, then receive through a share group consumer configured as
 * the workers' are), measured in the same run and printed as a ratio. Jobs go one at a time, so the
 * worker is idle whenever a job arrives; each is the cheapest render (64×64, 2 steps, no upscale).
 *
 * <p>Submission → start is read from the job's row: {@code created_at} (the gateway's clock when it
 * accepted the job) to {@code started_at} (the worker's clock when it began); both processes run on
 * this machine, so they share a clock.
 */
public final class DispatchBenchmark {
  private static final int WARMUP = 20;
  private static final Duration POLL = Duration.ofMillis(100);

  /** The scheduler's {@code TESSERA_DISPATCH_POLL_INTERVAL} as the farm runs it (the default). */
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  private DispatchBenchmark() {}

  /** Measures {@code samples} of each and prints the figures to {@code out}. */
  public static void run(FarmHome home, int samples, PrintStream out) throws IOException {
    try (LocalFarm farm = LocalFarm.start(home, LocalFarm.Options.defaults(1))) {
      out.printf(
          Locale.ROOT, "farm up: 1 worker; %d samples of each, %d warm-up%n", samples, WARMUP);
      List<Double> raw = rawRoundTrips(farm.stack().kafka().bootstrapServers(), samples);
      List<Double> dispatch = dispatchLatencies(farm, samples);
      double rawP50 = percentile(raw, 50);
      double dispatchP50 = percentile(dispatch, 50);
      out.printf(
          Locale.ROOT,
          "raw Kafka produce -> share-consume round trip: p50 %.1f ms, p99 %.1f ms%n",
          rawP50,
          percentile(raw, 99));
      out.printf(
          Locale.ROOT,
          "dispatch, job submitted -> started on an idle worker: p50 %.1f ms, p99 %.1f ms%n",
          dispatchP50,
          percentile(dispatch, 99));
      out.printf(
          Locale.ROOT,
          "ratio p50 dispatch / p50 raw: %.1f (the dispatcher is woken by the job's queue signal;"
              + " its poll interval, %d ms, bounds the wait when a signal is lost)%n",
          dispatchP50 / rawP50,
          POLL_INTERVAL.toMillis());
      double target = 3 * rawP50 + POLL_INTERVAL.toMillis();
      out.printf(
          Locale.ROOT,
          "target p50 <= 3 x raw p50 + poll interval = %.1f ms: %s%n",
          target,
          dispatchP50 <= target ? "met" : "NOT met");
    }
  }

  /** Milliseconds from a record's send to its arrival at a share consumer, one at a time. */
  private static List<Double> rawRoundTrips(String bootstrap, int samples) throws IOException {
    String topic = "bench.round-trip." + UUID.randomUUID();
    String group = "bench-" + UUID.randomUUID();
    KafkaAdmin.createTopics(bootstrap, List.of(topic), 1);
    KafkaAdmin.readShareGroupFromEarliest(bootstrap, group);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    c.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    List<Double> millis = new ArrayList<>();
    try (KafkaShareConsumer<byte[], byte[]> consumer =
            new KafkaShareConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < WARMUP + samples; i++) {
        byte[] value = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        ConsumerRecord<byte[], byte[]> got = receive(consumer, Duration.ofSeconds(30));
        long arrived = System.nanoTime();
        consumer.acknowledge(got, AcknowledgeType.ACCEPT);
        consumer.commitSync(Duration.ofSeconds(10));
        if (i >= WARMUP) {
          millis.add((arrived - sent) / 1e6);
        }
      }
    } catch (Exception e) {
      throw new IOException("raw round trip failed: " + e.getMessage(), e);
    }
    return millis;
  }

  private static ConsumerRecord<byte[], byte[]> receive(
      KafkaShareConsumer<byte[], byte[]> consumer, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        return r;
      }
    }
    throw new IOException("no record within " + timeout);
  }

  /** Milliseconds from each job's submission to its start, one job at a time. */
  private static List<Double> dispatchLatencies(LocalFarm farm, int samples) throws IOException {
    FarmClient client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < WARMUP + samples; i++) {
      String id =
          client.submit(
              FarmClient.request("dispatch benchmark " + i)
                  .put("steps", 2)
                  .put("width", 64)
                  .put("height", 64)
                  .put("upscale", "none")
                  .put("seed", i));
      client.awaitEnd(id, Duration.ofMinutes(2), s -> {});
      if (i >= WARMUP) {
        ids.add(UUID.fromString(id));
      }
    }
    String sql =
        "SELECT extract(epoch FROM started_at - created_at) * 1000, state FROM jobs WHERE id = ?";
    List<Double> millis = new ArrayList<>();
    try (Connection db = farm.stack().connect();
        PreparedStatement s = db.prepareStatement(sql)) {
      for (UUID id : ids) {
        s.setObject(1, id);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (!"SUCCEEDED".equals(rs.getString(2))) {
            throw new IOException("job " + id + " ended " + rs.getString(2));
          }
          millis.add(rs.getDouble(1));
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot read the jobs' times: " + e.getMessage(), e);
    }
    return millis;
  }

  /** The {@code p}th percentile (nearest rank) of {@code values}. */
  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
