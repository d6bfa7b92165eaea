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
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * The farm's backing services for tests and local runs: PostgreSQL, a Kafka broker and an S3
 * server, each in its own subdirectory ({@code postgres/}, {@code kafka/}, {@code s3/}) of one
 * directory, started in parallel through a {@link BackingServices} ({@link EmbeddedServices} unless
 * the caller names another).
 *
 * <p>An existing PostgreSQL is used instead of a started one when the environment names it: {@code
 * TESSERA_JDBC_URL}, {@code TESSERA_JDBC_USER} and optionally {@code TESSERA_JDBC_PASSWORD}.
 *
 * <p>Lifetime: every service runs from {@link #start} until {@link #close()}, which stops them in
 * reverse order and is safe twice. Embedded services keep their data in the directory, so a stack
 * started again on it finds the same rows, topics and objects.
 */
public final class ServiceStack implements AutoCloseable {
  public static final String ENV_JDBC_URL = "TESSERA_JDBC_URL";
  public static final String ENV_JDBC_USER = "TESSERA_JDBC_USER";
  public static final String ENV_JDBC_PASSWORD = "TESSERA_JDBC_PASSWORD";

  /** How to reach a PostgreSQL database. */
  private record Jdbc(String url, String user, String password) {
    /** Waits at most this long for a connection (PgJDBC's loginTimeout, in seconds). */
    private static final String LOGIN_TIMEOUT_SECONDS = "10";

    Connection connect() throws SQLException {
      Properties props = new Properties();
      props.setProperty("user", user);
      props.setProperty("password", password);
      props.setProperty("loginTimeout", LOGIN_TIMEOUT_SECONDS);
      return DriverManager.getConnection(url, props);
    }
  }

  private final Optional<Database> database;
  private final Jdbc jdbc;
  private final Broker kafka;
  private final ObjectStore s3;
  private boolean closed;

  private ServiceStack(Optional<Database> database, Jdbc jdbc, Broker kafka, ObjectStore s3) {
    this.database = database;
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.s3 = s3;
  }

  /**
   * Starts the embedded stack under {@code dir}, honouring {@code TESSERA_JDBC_*} from the process
   * environment.
   */
  public static ServiceStack start(Path dir) throws IOException {
    return start(dir, System.getenv());
  }

  /**
   * Starts the embedded stack under {@code dir}; see {@link #start(Path, Map, BackingServices)}.
   */
  public static ServiceStack start(Path dir, Map<String, String> env) throws IOException {
    return start(dir, env, EmbeddedServices.INSTANCE);
  }

  /**
   * Starts the stack under {@code dir} through {@code services}; {@code env} may name an existing
   * PostgreSQL ({@code TESSERA_JDBC_URL} and {@code TESSERA_JDBC_USER}, optionally {@code
   * TESSERA_JDBC_PASSWORD}), which is checked first, so a wrong URL fails before anything starts.
   * If one service fails to start, those already started are stopped again.
   */
  public static ServiceStack start(Path dir, Map<String, String> env, BackingServices services)
      throws IOException {
    Optional<Jdbc> external = externalDatabase(env);
    try (ParallelStart starting = new ParallelStart()) {
      Optional<CompletableFuture<Database>> pg =
          external.isPresent()
              ? Optional.empty()
              : Optional.of(starting.submit(() -> services.startDatabase(dir.resolve("postgres"))));
      CompletableFuture<Broker> kafka =
          starting.submit(() -> services.startBroker(dir.resolve("kafka")));
      CompletableFuture<ObjectStore> s3 =
          starting.submit(() -> services.startObjectStore(dir.resolve("s3")));
      starting.awaitAll();
      Optional<Database> database = pg.map(CompletableFuture::join);
      Jdbc jdbc =
          external.orElseGet(
              () ->
                  new Jdbc(
                      database.get().jdbcUrl(), database.get().user(), database.get().password()));
      return new ServiceStack(database, jdbc, kafka.join(), s3.join());
    }
  }

  /** The database this stack started, or empty when it uses an existing server. */
  public Optional<Database> database() {
    return database;
  }

  public String jdbcUrl() {
    return jdbc.url();
  }

  /**
   * A new connection to the stack's database, waiting at most 10 s for it; the caller closes it.
   */
  public Connection connect() throws SQLException {
    return jdbc.connect();
  }

  public String jdbcUser() {
    return jdbc.user();
  }

  public String jdbcPassword() {
    return jdbc.password();
  }

  public Broker kafka() {
    return kafka;
  }

  public ObjectStore s3() {
    return s3;
  }

  /**
   * How the farm's services reach this stack, as environment variables: {@code JDBC_URL}, {@code
   * JDBC_USER}, {@code JDBC_PASSWORD}, {@code KAFKA_BOOTSTRAP}, {@code S3_ENDPOINT}, {@code
   * S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, in that order.
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

  /**
   * Stops S3, Kafka, then PostgreSQL (when this stack started it), each even if an earlier one
   * fails.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> services = new ArrayList<>(List.of(s3, kafka));
    database.ifPresent(services::add);
    ParallelStart.closeAll(services, null);
  }

  private static Optional<Jdbc> externalDatabase(Map<String, String> env) throws IOException {
    String url = env.get(ENV_JDBC_URL);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String user = env.get(ENV_JDBC_USER);
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException(
          ENV_JDBC_URL
              + " is set but "
              + ENV_JDBC_USER
              + " is not: set both (and "
              + ENV_JDBC_PASSWORD
              + " if the server asks for one), or neither to start a PostgreSQL");
    }
    Jdbc jdbc = new Jdbc(url, user, env.getOrDefault(ENV_JDBC_PASSWORD, ""));
    try {
      jdbc.connect().close();
    } catch (SQLException e) {
      throw new IOException(
          "cannot connect to the PostgreSQL named by "
              + ENV_JDBC_URL
              + "="
              + url
              + " as "
              + user
              + ": "
              + e.getMessage()
              + "; fix the TESSERA_JDBC_* variables, or unset them to start a PostgreSQL",
          e);
    }
    return Optional.of(jdbc);
  }
}
