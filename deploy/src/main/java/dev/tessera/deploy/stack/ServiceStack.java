package dev.tessera.deploy.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The farm's backing services for tests and local runs: PostgreSQL, a Kafka broker and an S3 server, each in its own
 * subdirectory ({@code postgres/}, {@code kafka/}, {@code s3/}) of one directory, started in parallel.
 *
 * <p>An existing PostgreSQL is used instead of an embedded one when the environment names it:
 * {@code TESSERA_JDBC_URL}, {@code TESSERA_JDBC_USER} and optionally {@code TESSERA_JDBC_PASSWORD}.
 *
 * <p>Lifetime: every service runs from {@link #start} until {@link #close()}, which stops them in reverse order and
 * is safe twice. The data stays in the directory, so a stack started again on it finds the same rows, topics and
 * objects.
 */
public final class ServiceStack implements AutoCloseable {
  public static final String ENV_JDBC_URL = "TESSERA_JDBC_URL";
  public static final String ENV_JDBC_USER = "TESSERA_JDBC_USER";
  public static final String ENV_JDBC_PASSWORD = "TESSERA_JDBC_PASSWORD";

  /** How to reach a PostgreSQL database. */
  private record Jdbc(String url, String user, String password) {}

  private final Optional<PostgresService> postgres;
  private final Jdbc jdbc;
  private final KafkaService kafka;
  private final S3Service s3;
  private boolean closed;

  private ServiceStack(Optional<PostgresService> postgres, Jdbc jdbc, KafkaService kafka, S3Service s3) {
    this.postgres = postgres;
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.s3 = s3;
  }

  /** Starts the stack under {@code dir}, honouring {@code TESSERA_JDBC_*} from the process environment. */
  public static ServiceStack start(Path dir) throws IOException {
    return start(dir, System.getenv());
  }

  /**
   * Starts the stack under {@code dir}; {@code env} may name an existing PostgreSQL ({@code TESSERA_JDBC_URL} and
   * {@code TESSERA_JDBC_USER}, optionally {@code TESSERA_JDBC_PASSWORD}), which is checked first, so a wrong URL
   * fails before anything starts. If one service fails to start, those already started are stopped again.
   */
  public static ServiceStack start(Path dir, Map<String, String> env) throws IOException {
    Optional<Jdbc> external = externalDatabase(env);
    try (ParallelStart starting = new ParallelStart()) {
      Optional<CompletableFuture<PostgresService>> pg = external.isPresent() ? Optional.empty()
          : Optional.of(starting.submit(() -> PostgresService.start(dir.resolve("postgres"), 0)));
      CompletableFuture<KafkaService> kafka = starting.submit(() -> KafkaService.start(dir.resolve("kafka"), 0));
      CompletableFuture<S3Service> s3 = starting.submit(() -> S3Service.start(dir.resolve("s3"), 0));
      starting.awaitAll();
      Optional<PostgresService> postgres = pg.map(CompletableFuture::join);
      Jdbc jdbc = external.orElseGet(() -> new Jdbc(postgres.get().jdbcUrl(), postgres.get().user(),
          postgres.get().password()));
      return new ServiceStack(postgres, jdbc, kafka.join(), s3.join());
    }
  }

  /** The embedded PostgreSQL, or empty when the stack uses an existing server. */
  public Optional<PostgresService> postgres() {
    return postgres;
  }

  public String jdbcUrl() {
    return jdbc.url();
  }

  public String jdbcUser() {
    return jdbc.user();
  }

  public String jdbcPassword() {
    return jdbc.password();
  }

  public KafkaService kafka() {
    return kafka;
  }

  public S3Service s3() {
    return s3;
  }

  /**
   * How the farm's services reach this stack, as environment variables: {@code JDBC_URL}, {@code JDBC_USER},
   * {@code JDBC_PASSWORD}, {@code KAFKA_BOOTSTRAP}, {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY},
   * {@code S3_SECRET_KEY}, in that order.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JDBC_URL", jdbc.url());
    env.put("JDBC_USER", jdbc.user());
    env.put("JDBC_PASSWORD", jdbc.password());
    env.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    env.put("S3_ENDPOINT", s3.endpoint());
    env.put("S3_ACCESS_KEY", s3.accessKey());
    env.put("S3_SECRET_KEY", s3.secretKey());
    return Collections.unmodifiableMap(env);
  }

  /** Stops S3, Kafka, then PostgreSQL (when embedded), each even if an earlier one fails. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> services = new ArrayList<>(List.of(s3, kafka));
    postgres.ifPresent(services::add);
    ParallelStart.closeAll(services, null);
  }

  private static Optional<Jdbc> externalDatabase(Map<String, String> env) throws IOException {
    String url = env.get(ENV_JDBC_URL);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String user = env.get(ENV_JDBC_USER);
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException(ENV_JDBC_URL + " is set but " + ENV_JDBC_USER + " is not: set both (and "
          + ENV_JDBC_PASSWORD + " if the server asks for one), or neither to use an embedded PostgreSQL");
    }
    Jdbc jdbc = new Jdbc(url, user, env.getOrDefault(ENV_JDBC_PASSWORD, ""));
    try {
      DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password()).close();
    } catch (SQLException e) {
      throw new IOException("cannot connect to the PostgreSQL named by " + ENV_JDBC_URL + "=" + url + " as " + user
          + ": " + e.getMessage() + "; fix the TESSERA_JDBC_* variables, or unset them to use an embedded "
          + "PostgreSQL", e);
    }
    return Optional.of(jdbc);
  }
}
