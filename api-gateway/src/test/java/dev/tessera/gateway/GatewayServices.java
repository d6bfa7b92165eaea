package dev.tessera.gateway;

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
import java.util.HashMap;
import java.util.Map;

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
    config.put("S3_BUCKET", BUCKET);
    config.put("TESSERA_MODELS", MODEL + "," + OTHER_MODEL);
    // The idle poll is long on purpose: a submission must wake the relay itself.
    config.put("tessera.relay.idle-poll", "10s");
    config.put("tessera.relay.max-backoff", "2s");
    return config;
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
