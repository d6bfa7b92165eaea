package dev.tessera.gateway.batches;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.FileTrees;
import dev.tessera.common.Json;
import dev.tessera.common.QueueSignal;
import dev.tessera.common.RenderJob;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.api.StrictJson;
import dev.tessera.gateway.jobs.SubmissionRules;
import dev.tessera.gateway.webhooks.WebhookTargets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Times accepting a 10,000-job batch over HTTP ({@code POST /v1/batches} on the packaged gateway, a
 * JVM of its own, against the embedded stack) against a plain JDBC binary COPY of the same rows
 * into the same tables, in the same run, and prints both and their ratio (target: at most 2).
 *
 * <p>The COPY's rows are made before its clock starts (read and checked as the gateway would,
 * encoded): it measures only what the database must do, the queue signal included. Run with {@code
 * ./mvnw -o -q -B -Pbench -DskipTests -pl api-gateway -am verify}; not a test.
 */
public final class BatchSubmitBenchmark {
  private static final int JOBS = 10_000;
  private static final int WARMUP_ROUNDS = 5;
  private static final int ROUNDS = 7;
  private static final String MODEL = "miniature-sd2-v";
  private static final String DEFAULTS = "{\"steps\": 30, \"guidance\": 7.5, \"upscale\": \"x4\"}";

  private final PGSimpleDataSource db;
  private final String gateway;
  private final String key;
  private final byte[] body;
  private final BatchBodyReader reader;
  private final BatchRules rules;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private BatchSubmitBenchmark(PGSimpleDataSource db, String gateway, String key) {
    this.db = db;
    this.gateway = gateway;
    this.key = key;
    this.body = body().getBytes(StandardCharsets.UTF_8);
    ObjectMapper mapper = new ObjectMapper();
    new StrictJson().customize(mapper);
    this.reader = new BatchBodyReader(mapper);
    this.rules =
        new BatchRules(
            new SubmissionRules(
                List.of(MODEL), () -> System.nanoTime() & 0xffffffffL, WebhookTargets.PUBLIC_ONLY),
            mapper);
  }

  public static void main(String[] args) throws Exception {
    // JBoss LogManager (on this classpath) deadlocks when the stack's threads start it side by
    // side; start it here first.
    System.getLogger(BatchSubmitBenchmark.class.getName());
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
        String key = new TenantStore(db).create("bench", 1, 1_000_000, 1_000, false).key();
        new BatchSubmitBenchmark(db, gateway.url(), key).run();
      }
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static String body() {
    String items =
        IntStream.range(0, JOBS)
            .mapToObj(
                i ->
                    String.format(
                        "{\"custom_id\": \"request-%05d\", \"prompt\": \"a lighthouse on a cliff at"
                            + " dusk, study %d, oil painting, dramatic light, rain\", \"seed\": %d}",
                        i, i, 1000 + i))
            .collect(Collectors.joining(",\n"));
    return "{\"defaults\": " + DEFAULTS + ", \"items\": [" + items + "]}";
  }

  private void run() throws Exception {
    System.out.printf(
        "%nBatch of %,d jobs, %,d bytes of JSON; %d warm-up and %d timed rounds of each%n",
        JOBS, body.length, WARMUP_ROUNDS, ROUNDS);
    for (int i = 0; i < WARMUP_ROUNDS; i++) {
      overHttp();
      plainCopy();
    }
    List<Double> httpMillis = new ArrayList<>();
    List<Double> copyMillis = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      httpMillis.add(overHttp());
      copyMillis.add(plainCopy());
    }
    double http = median(httpMillis);
    double copy = median(copyMillis);
    System.out.printf(
        "%nAccepting a %,d-job batch (median of %d; every round in ms):%n", JOBS, ROUNDS);
    System.out.printf("  POST /v1/batches over HTTP  %7.1f ms   %s%n", http, rounds(httpMillis));
    System.out.printf("  plain JDBC COPY, same rows  %7.1f ms   %s%n", copy, rounds(copyMillis));
    System.out.printf("  HTTP takes %.2fx the COPY (target <= 2x)%n%n", http / copy);
  }

  /** Milliseconds from sending the batch to its 202. */
  private double overHttp() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gateway + "/v1/batches"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    double millis = (System.nanoTime() - start) / 1e6;
    if (response.statusCode() != 202) {
      throw new IllegalStateException(
          "the gateway answered " + response.statusCode() + ": " + response.body());
    }
    return millis;
  }

  /** Milliseconds to write the same rows as the gateway would, made in advance, with COPY. */
  private double plainCopy() throws IOException, SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<BatchJob> jobs = rules.toJobs(reader.readJson(new ByteArrayInputStream(body)), now);
    UUID batch = UUID.randomUUID();
    UUID tenant = tenantId();
    byte[] jobRows = jobRows(batch, tenant, jobs);
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO batches (id, tenant_id, job_count, created_at) VALUES (?, ?, ?, ?)")) {
        insert.setObject(1, batch);
        insert.setObject(2, tenant);
        insert.setInt(3, jobs.size());
        insert.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        insert.executeUpdate();
      }
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn(
          "COPY jobs (id, tenant_id, batch_id, custom_id, model, settings, upscale, target_size,"
              + " priority, state, created_at, updated_at) FROM STDIN (FORMAT binary)",
          new ByteArrayInputStream(jobRows));
      QueueSignal.send(c, MODEL);
      c.commit();
      return (System.nanoTime() - start) / 1e6;
    }
  }

  private UUID tenantId() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT id FROM tenants WHERE name = ?")) {
      select.setString(1, "bench");
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getObject(1, UUID.class);
      }
    }
  }

  private static byte[] jobRows(UUID batch, UUID tenant, List<BatchJob> jobs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryCopyWriter rows = new BinaryCopyWriter(bytes);
    for (BatchJob batchJob : jobs) {
      RenderJob job = batchJob.job().render();
      rows.row(12)
          .uuid(job.jobId())
          .uuid(tenant)
          .uuid(batch)
          .text(batchJob.customId())
          .text(job.model())
          .jsonb(Json.encode(job.settings()))
          .text(job.upscale())
          .int4(job.targetSize())
          .int2(batchJob.job().priority())
          .text("QUEUED")
          .timestamptz(job.submittedAt())
          .timestamptz(job.submittedAt());
    }
    rows.finish();
    return bytes.toByteArray();
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String rounds(List<Double> values) {
    return Arrays.toString(values.stream().mapToLong(Math::round).toArray());
  }
}
