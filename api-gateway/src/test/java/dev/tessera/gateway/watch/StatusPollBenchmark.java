package dev.tessera.gateway.watch;

import dev.tessera.common.FileTrees;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.stack.ServiceStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Times status polling on the packaged gateway (a JVM of its own, on the embedded stack): {@code
 * GET /v1/jobs/{id}} by {@value #CLIENTS} concurrent clients against as many threads doing plain
 * JDBC primary-key SELECTs of the same rows, in the same run, and prints both rates, their ratio
 * (target: at least 0.3) and the GETs' latency (target: p99 under 10 ms); then the share of 304s
 * when the clients poll with ETags while jobs change. Run with {@code ./mvnw -o -q -B -Pbench
 * -DskipTests -pl api-gateway -am verify}; not a test.
 */
public final class StatusPollBenchmark {
  private static final int CLIENTS = 64;
  private static final int JOBS = 10_000;
  private static final int ROUNDS = 3;
  private static final Duration WARMUP = Duration.ofSeconds(20);
  private static final Duration ROUND = Duration.ofSeconds(8);

  /** Jobs polled with ETags, all running; and how often one of them moves a step. */
  private static final int CHANGING_JOBS = 1_000;

  private static final int CHANGES_PER_SECOND = 100;
  private static final String MODEL = "miniature-sd2-v";

  private final PGSimpleDataSource db;
  private final String gateway;
  private final String key;
  private final List<UUID> jobs;
  private final KeepAliveClient[] clients = new KeepAliveClient[CLIENTS];

  private StatusPollBenchmark(PGSimpleDataSource db, String gateway, String key, List<UUID> jobs) {
    this.db = db;
    this.gateway = gateway;
    this.key = key;
    this.jobs = jobs;
  }

  public static void main(String[] args) throws Exception {
    // JBoss LogManager (on this classpath) deadlocks when the stack's threads start it side by
    // side; start it here first.
    System.getLogger(StatusPollBenchmark.class.getName());
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-");
    try (ServiceStack stack = ServiceStack.start(dir.resolve("stack"))) {
      Map<String, String> env = new LinkedHashMap<>(stack.environment());
      env.put("TESSERA_MODELS", MODEL);
      try (AppProcess gateway =
          AppProcess.start(
              "api-gateway", Path.of("target/quarkus-app"), env, dir.resolve("gateway.log"))) {
        gateway.awaitReady(Duration.ofSeconds(120));
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(stack.jdbcUrl());
        db.setUser(stack.jdbcUser());
        db.setPassword(stack.jdbcPassword());
        String key = new TenantStore(db).create("bench", 1, 1_000_000, 1e9, false).key();
        List<UUID> jobs = submitJobs(gateway.url(), key, db);
        new StatusPollBenchmark(db, gateway.url(), key, jobs).run();
      }
    } finally {
      FileTrees.delete(dir);
    }
  }

  /**
   * {@value #JOBS} jobs, one batch: a third left queued, a third running with progress, a third
   * succeeded with five stage timings each, as the scheduler would have written them.
   */
  private static List<UUID> submitJobs(String gateway, String key, PGSimpleDataSource db)
      throws Exception {
    String items =
        IntStream.range(0, JOBS)
            .mapToObj(
                i ->
                    String.format(
                        "{\"custom_id\": \"job-%05d\", \"prompt\": \"a lighthouse at dusk, study"
                            + " %d\", \"seed\": %d}",
                        i, i, i))
            .collect(Collectors.joining(","));
    HttpResponse<String> accepted =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/batches"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"items\": [" + items + "]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (accepted.statusCode() != 202) {
      throw new IllegalStateException("the batch was refused: " + accepted.body());
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          """
          UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = 'gpu-0', started_at = now(),
                 progress_step = 1, progress_total = 25, version = version + 1
          WHERE custom_id LIKE 'job-%' AND substr(custom_id, 5)::int % 3 = 1""");
      s.executeUpdate(
          """
          UPDATE jobs SET state = 'SUCCEEDED', attempt = 1, worker_id = 'gpu-0', started_at = now(),
                 finished_at = now(), object_key = 'results/' || id || '.png', version = version + 2
          WHERE custom_id LIKE 'job-%' AND substr(custom_id, 5)::int % 3 = 2""");
      s.executeUpdate(
          """
          INSERT INTO job_timings (job_id, position, stage, millis, detail)
          SELECT j.id, t.position, t.stage, t.millis, t.detail FROM jobs j,
                 (VALUES (0, 'tokenize', 0.8, ''), (1, 'text_encode', 1.6, ''),
                         (2, 'denoise', 467.8, '25 steps, 18.7 ms/step'), (3, 'decode', 65.9, '1 tile'),
                         (4, 'png', 452.2, '')) AS t (position, stage, millis, detail)
          WHERE j.state = 'SUCCEEDED'""");
      List<UUID> ids = new ArrayList<>();
      try (ResultSet rows = s.executeQuery("SELECT id FROM jobs ORDER BY custom_id")) {
        while (rows.next()) {
          ids.add(rows.getObject(1, UUID.class));
        }
      }
      return ids;
    }
  }

  private void run() throws Exception {
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = new KeepAliveClient(gateway, key);
    }
    System.out.printf(
        "%nStatus polling: %,d jobs (a third each queued, running, succeeded with timings),"
            + " %d concurrent clients, %d rounds of %d s after %d s of warm-up%n",
        JOBS, CLIENTS, ROUNDS, ROUND.toSeconds(), WARMUP.toSeconds());
    Call jdbcSelect = jdbcSelect();
    measure(WARMUP, this::plainGet);
    measure(WARMUP, jdbcSelect);
    List<Result> gets = new ArrayList<>();
    List<Result> selects = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      gets.add(measure(ROUND, this::plainGet));
      selects.add(measure(ROUND, jdbcSelect));
    }
    Result get = median(gets);
    Result select = median(selects);
    System.out.printf("%nRequests a second (median of %d rounds; every round):%n", ROUNDS);
    System.out.printf(
        "  GET /v1/jobs/{id} over HTTP     %,9.0f /s   %s%n", get.perSecond(), rates(gets));
    System.out.printf(
        "  plain JDBC SELECT by id         %,9.0f /s   %s%n", select.perSecond(), rates(selects));
    System.out.printf(
        "  HTTP reaches %.2fx the SELECT rate (target >= 0.3x)%n",
        get.perSecond() / select.perSecond());
    System.out.printf(
        "  GET latency: p50 %.2f ms, p99 %.2f ms (target p99 < 10 ms); SELECT p50 %.2f ms, p99 %.2f"
            + " ms%n",
        get.p50(), get.p99(), select.p50(), select.p99());

    // The running third (see submitJobs; ids are in custom_id order), each client polling its own.
    List<UUID> changing =
        IntStream.range(0, jobs.size())
            .filter(i -> i % 3 == 1)
            .limit(CHANGING_JOBS)
            .mapToObj(jobs::get)
            .toList();
    List<List<UUID>> own = new ArrayList<>();
    List<Map<UUID, String>> etags = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      own.add(
          IntStream.range(0, changing.size())
              .filter(j -> j % CLIENTS == client)
              .mapToObj(changing::get)
              .toList());
      etags.add(new HashMap<>());
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread changer = new Thread(() -> changeJobs(changing, stop), "job-changer");
    changer.start();
    Result polls;
    try {
      Call poll = client -> conditionalGet(client, own.get(client), etags.get(client));
      measure(WARMUP, poll);
      polls = measure(ROUND.multipliedBy(2), poll);
    } finally {
      stop.set(true);
      changer.join();
    }
    System.out.printf(
        "%nPolling with ETags: each client its own %d of %,d running jobs; %d steps a second moved"
            + " among them (each job every %.0f s on average):%n",
        own.get(0).size(),
        changing.size(),
        CHANGES_PER_SECOND,
        (double) changing.size() / CHANGES_PER_SECOND);
    System.out.printf(
        "  %,.0f polls a second, %.1f%% answered 304 Not Modified; p50 %.2f ms, p99 %.2f ms%n%n",
        polls.perSecond(), 100.0 * polls.notModified() / polls.count(), polls.p50(), polls.p99());
    for (KeepAliveClient client : clients) {
      client.close();
    }
  }

  /** One client's request; returns its status. */
  private interface Call {
    int call(int client) throws Exception;
  }

  /**
   * @param notModified how many calls answered 304
   */
  private record Result(long count, long notModified, double seconds, double p50, double p99) {
    double perSecond() {
      return count / seconds;
    }
  }

  /** {@value #CLIENTS} threads calling back to back for {@code duration}. */
  private Result measure(Duration duration, Call call) throws Exception {
    long[][] latencies = new long[CLIENTS][];
    long[] notModified = new long[CLIENTS];
    int[] counts = new int[CLIENTS];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long[] window = new long[2];
    for (int t = 0; t < CLIENTS; t++) {
      int client = t;
      Thread thread =
          new Thread(
              () -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                long not = 0;
                try {
                  go.await();
                  long end = window[1];
                  while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    int status = call.call(client);
                    if (n == mine.length) {
                      mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = System.nanoTime() - start;
                    if (status == 304) {
                      not++;
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                latencies[client] = Arrays.copyOf(mine, n);
                notModified[client] = not;
                counts[client] = n;
              },
              "client-" + t);
      threads.add(thread);
      thread.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + duration.toNanos();
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - window[0]) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(
        all.length,
        Arrays.stream(notModified).sum(),
        seconds,
        percentile(all, 0.50),
        percentile(all, 0.99));
  }

  private int plainGet(int client) throws IOException {
    KeepAliveClient.Answer answer = clients[client].get("/v1/jobs/" + randomJob(jobs), null);
    if (answer.status() != 200) {
      throw new IllegalStateException("GET answered " + answer.status());
    }
    return 200;
  }

  /** A GET of one of the client's own jobs, with the ETag it last had for it. */
  private int conditionalGet(int client, List<UUID> own, Map<UUID, String> etags)
      throws IOException {
    UUID job = randomJob(own);
    KeepAliveClient.Answer answer = clients[client].get("/v1/jobs/" + job, etags.get(job));
    if (answer.status() != 200 && answer.status() != 304) {
      throw new IllegalStateException("GET answered " + answer.status());
    }
    etags.put(job, answer.etag());
    return answer.status();
  }

  /**
   * Each client its own connection and statement, as a pool would hand out; open until the JVM
   * exits.
   */
  private Call jdbcSelect() throws SQLException {
    Connection[] connections = new Connection[CLIENTS];
    PreparedStatement[] selects = new PreparedStatement[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      connections[i] = db.getConnection();
      selects[i] = connections[i].prepareStatement("SELECT * FROM jobs WHERE id = ?");
    }
    return client -> {
      PreparedStatement select = selects[client];
      select.setObject(1, randomJob(jobs));
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("no such job");
        }
        row.getString("settings");
      }
      return 200;
    };
  }

  /** Moves random jobs of {@code changing} one step on, {@value #CHANGES_PER_SECOND} a second. */
  private void changeJobs(List<UUID> changing, AtomicBoolean stop) {
    try (Connection c = db.getConnection();
        PreparedStatement step =
            c.prepareStatement(
                "UPDATE jobs SET progress_step = progress_step + 1, progress_total ="
                    + " progress_total + 1 WHERE id = ?")) {
      long interval = 1_000_000_000L / CHANGES_PER_SECOND;
      long next = System.nanoTime();
      while (!stop.get()) {
        step.setObject(1, randomJob(changing));
        step.executeUpdate();
        next += interval;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
      }
    } catch (SQLException | InterruptedException e) {
      throw new IllegalStateException("changing jobs failed", e);
    }
  }

  private static UUID randomJob(List<UUID> among) {
    return among.get(ThreadLocalRandom.current().nextInt(among.size()));
  }

  private static double percentile(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(p * sortedNanos.length))]
        / 1e6;
  }

  private static Result median(List<Result> results) {
    List<Result> sorted =
        results.stream().sorted((a, b) -> Double.compare(a.perSecond(), b.perSecond())).toList();
    return sorted.get(sorted.size() / 2);
  }

  private static String rates(List<Result> results) {
    return results.stream()
        .map(r -> String.format("%,.0f", r.perSecond()))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
