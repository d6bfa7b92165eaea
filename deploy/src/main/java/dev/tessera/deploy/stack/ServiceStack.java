package dev.tessera.deploy.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

  private final Optional<PostgresService> postgres;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private final KafkaService kafka;
  private final S3Service s3;
  private boolean closed;

  private ServiceStack(Optional<PostgresService> postgres, String jdbcUrl, String jdbcUser, String jdbcPassword,
      KafkaService kafka, S3Service s3) {
    this.postgres = postgres;
    this.jdbcUrl = jdbcUrl;
    this.jdbcUser = jdbcUser;
    this.jdbcPassword = jdbcPassword;
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
    String externalUrl = env.get(ENV_JDBC_URL);
    if (externalUrl != null && !externalUrl.isBlank()) {
      String user = env.get(ENV_JDBC_USER);
      if (user == null || user.isBlank()) {
        throw new IllegalArgumentException(ENV_JDBC_URL + " is set but " + ENV_JDBC_USER + " is not: set both (and "
            + ENV_JDBC_PASSWORD + " if the server asks for one), or neither to use an embedded PostgreSQL");
      }
      String password = env.getOrDefault(ENV_JDBC_PASSWORD, "");
      checkConnection(externalUrl, user, password);
      List<AutoCloseable> started = startAll(List.of(
          () -> KafkaService.start(dir.resolve("kafka"), 0),
          () -> S3Service.start(dir.resolve("s3"), 0)));
      return new ServiceStack(Optional.empty(), externalUrl, user, password,
          (KafkaService) started.get(0), (S3Service) started.get(1));
    }
    List<AutoCloseable> started = startAll(List.of(
        () -> PostgresService.start(dir.resolve("postgres"), 0),
        () -> KafkaService.start(dir.resolve("kafka"), 0),
        () -> S3Service.start(dir.resolve("s3"), 0)));
    PostgresService pg = (PostgresService) started.get(0);
    return new ServiceStack(Optional.of(pg), pg.jdbcUrl(), pg.user(), pg.password(),
        (KafkaService) started.get(1), (S3Service) started.get(2));
  }

  /** The embedded PostgreSQL, or empty when the stack uses an existing server. */
  public Optional<PostgresService> postgres() {
    return postgres;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String jdbcUser() {
    return jdbcUser;
  }

  public String jdbcPassword() {
    return jdbcPassword;
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
    env.put("JDBC_URL", jdbcUrl);
    env.put("JDBC_USER", jdbcUser);
    env.put("JDBC_PASSWORD", jdbcPassword);
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
    closeAll(services, null);
  }

  /** A service start that may fail. */
  @FunctionalInterface
  private interface Starter {
    AutoCloseable start() throws IOException;
  }

  /**
   * Runs the starters in parallel (each mostly waits on a child process) and returns their services in the same
   * order; when any fails, stops the others and throws the first failure with the rest suppressed.
   */
  private static List<AutoCloseable> startAll(List<Starter> starters) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(starters.size(), r -> {
      Thread t = new Thread(r, "stack-start");
      t.setDaemon(true);
      return t;
    });
    try {
      List<CompletableFuture<AutoCloseable>> futures = starters.stream()
          .map(s -> CompletableFuture.supplyAsync(() -> {
            try {
              return s.start();
            } catch (IOException e) {
              throw new CompletionException(e);
            }
          }, pool))
          .toList();
      List<AutoCloseable> started = new ArrayList<>();
      IOException failure = null;
      for (CompletableFuture<AutoCloseable> future : futures) {
        try {
          started.add(future.join());
        } catch (CompletionException e) {
          IOException cause = e.getCause() instanceof IOException io ? io
              : new IOException("a stack service failed to start: " + e.getCause(), e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        Collections.reverse(started);
        closeAll(started, failure);
      }
      return started;
    } finally {
      pool.shutdown();
    }
  }

  /** Closes every service in order; throws {@code failure} (or the first close error) with the others suppressed. */
  private static void closeAll(List<AutoCloseable> services, IOException failure) throws IOException {
    IOException first = failure;
    for (AutoCloseable service : services) {
      try {
        service.close();
      } catch (Exception e) {
        IOException io = e instanceof IOException x ? x : new IOException("cannot stop " + service + ": " + e, e);
        if (first == null) {
          first = io;
        } else {
          first.addSuppressed(io);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void checkConnection(String url, String user, String password) throws IOException {
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new IOException("cannot connect to the PostgreSQL named by " + ENV_JDBC_URL + "=" + url + " as "
          + user + ": " + e.getMessage() + "; fix the TESSERA_JDBC_* variables, or unset them to use an embedded "
          + "PostgreSQL", e);
    }
  }
}
