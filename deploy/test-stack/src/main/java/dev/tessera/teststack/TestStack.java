package dev.tessera.teststack;

import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.EmbeddedServices;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * The stack the services' tests run against, chosen once per JVM by the environment variable
 * {@value #ENV}:
 *
 * <ul>
 *   <li>unset or {@code embedded}: {@link EmbeddedServices}, processes from Maven Central
 *       artifacts, no Docker;
 *   <li>{@code containers}: {@link ContainerServices}, PostgreSQL, Kafka and MinIO in containers
 *       through Testcontainers; where no Docker engine answers, every test that needs the stack is
 *       skipped, saying why.
 * </ul>
 *
 * Any other value fails, naming the values allowed. Tests take the services from {@link
 * #services()}, which skips the calling test (a JUnit assumption) when the stack cannot run here;
 * classes that start the stack before their tests run ({@code @QuarkusTest} resources,
 * {@code @BeforeAll}) carry {@link NeedsStack} as well.
 */
public final class TestStack {
  public static final String ENV = "TESSERA_STACK";
  static final String EMBEDDED = "embedded";
  static final String CONTAINERS = "containers";

  /**
   * What {@value #ENV} leads to: the services to start, or (services null) why the tests that need
   * them are skipped.
   */
  public record Choice(BackingServices services, String skipReason) {
    public boolean skipped() {
      return services == null;
    }
  }

  private static Choice choice;

  private TestStack() {}

  /**
   * The choice for this JVM's environment, made on first use (asking Docker only for {@code
   * containers}).
   */
  public static synchronized Choice choice() {
    if (choice == null) {
      choice = choose(System.getenv(ENV), TestStack::dockerAnswers);
    }
    return choice;
  }

  /** The services to start; skips the calling test when the chosen stack cannot run here. */
  public static BackingServices services() {
    return services(choice());
  }

  static BackingServices services(Choice choice) {
    Assumptions.assumeFalse(choice.skipped(), choice.skipReason());
    return choice.services();
  }

  /**
   * The choice for the value {@code value} of {@value #ENV} (null when unset); {@code
   * dockerAnswers} is asked only for {@code containers}.
   */
  static Choice choose(String value, BooleanSupplier dockerAnswers) {
    String name = value == null || value.isBlank() ? EMBEDDED : value;
    switch (name) {
      case EMBEDDED:
        return new Choice(EmbeddedServices.INSTANCE, null);
      case CONTAINERS:
        return dockerAnswers.getAsBoolean()
            ? new Choice(new ContainerServices(), null)
            : new Choice(
                null,
                ENV
                    + "="
                    + CONTAINERS
                    + " runs these tests against PostgreSQL, Kafka and MinIO in "
                    + "containers, but no Docker engine answers here (Testcontainers found none), so they are skipped; "
                    + "unset "
                    + ENV
                    + " to run them on the embedded stack");
      default:
        throw new IllegalArgumentException(
            ENV
                + "="
                + value
                + " names no stack; allowed: "
                + EMBEDDED
                + " (the default: the services as local processes) or "
                + CONTAINERS
                + " (in containers, through Testcontainers)");
    }
  }

  /** Whether Testcontainers finds a Docker engine that answers. */
  static boolean dockerAnswers() {
    // Testcontainers loads its ways to find Docker through the context class loader. Where Quarkus
    // loaded this class
    // (the condition of a @QuarkusTest) that is another loader, whose classes are no subtypes of
    // these.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(TestStack.class.getClassLoader());
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
