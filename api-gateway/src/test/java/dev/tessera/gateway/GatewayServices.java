package dev.tessera.gateway;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.teststack.TestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real PostgreSQL, Kafka and S3 for the gateway's Quarkus tests (the {@link TestStack}), started
 * once for the test run, and handed to the app through the same variables operators set ({@code
 * JDBC_URL}, {@code KAFKA_BOOTSTRAP}, {@code S3_*}, {@code TESSERA_MODELS}). Tests get the running
 * {@link ServiceStack} in a field marked {@link Services}; their classes carry {@code @NeedsStack}.
 */
public class GatewayServices implements QuarkusTestResourceLifecycleManager {
  public static final String MODEL = "miniature-sd2-v";

  /** A second model, so the tests see a queue per model and a non-default model choice. */
  public static final String OTHER_MODEL = "miniature-sd2";

  public static final String BUCKET = "tessera-test";

  /** The API key of tenant {@code test}, which the tests act as (see {@link Api}). */
  public static String key;

  /** The API key of tenant {@code other}, whose jobs {@code test} must never see. */
  public static String otherKey;

  /** The API key of tenant {@code ops}, an operator: it may read farm-wide views. */
  public static String operatorKey;

  /** Marks the test field that receives the running {@link ServiceStack}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface Services {}

  private Path dir;
  private ServiceStack stack;

  @Override
  public Map<String, String> start() {
    try {
      dir = TestFiles.scratch("services-");
      stack = ServiceStack.start(dir, System.getenv(), TestStack.services());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new HashMap<>(stack.environment());
    createTenants(config);
    config.put("S3_BUCKET", BUCKET);
    config.put("TESSERA_MODELS", MODEL + "," + OTHER_MODEL);
    // The idle poll is long on purpose: a cancellation must wake the relay itself.
    config.put("tessera.relay.idle-poll", "10s");
    config.put("tessera.relay.max-backoff", "2s");
    // These tests write jobs behind the gateway's back and read them at once; the kept answers,
    // which trail such writes by a notification's delay, have tests of their own (KeptAnswersTest).
    config.put("tessera.watch.cache-ttl", "0s");
    // Webhooks go to receivers on the loopback interface, and retry within a second.
    config.put("tessera.webhooks.allow-private", "true");
    config.put("tessera.webhooks.poll-interval", "100ms");
    config.put("tessera.webhooks.first-retry", "200ms");
    config.put("tessera.webhooks.max-retry", "1s");
    // Short enough that a test may wait for a compatibility API's timeout, long enough for a
    // loaded machine to finish the fake farm's jobs.
    config.put("tessera.openai.timeout", "15s");
    config.put("tessera.a1111.timeout", "15s");
    return config;
  }

  /** Migrates the schema (the app would at start, finding it done) and makes the tests' tenants. */
  private static void createTenants(Map<String, String> env) {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(env.get("JDBC_URL"));
    db.setUser(env.get("JDBC_USER"));
    db.setPassword(env.get("JDBC_PASSWORD"));
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    TenantStore tenants = new TenantStore(db);
    try {
      key = tenants.create("test", 1, 1_000_000, 1_000, false).key();
      otherKey = tenants.create("other", 1, 1_000_000, 1_000, false).key();
      operatorKey = tenants.create("ops", 1, 1_000_000, 1_000, true).key();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the tests' tenants: " + e.getMessage(), e);
    }
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        stack, new TestInjector.AnnotatedAndMatchesType(Services.class, ServiceStack.class));
  }

  @Override
  public void stop() {
    try {
      if (stack != null) {
        stack.close();
      }
      if (dir != null) {
        TestFiles.deleteTree(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
