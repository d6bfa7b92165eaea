package dev.tessera.teststack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tessera.deploy.stack.EmbeddedServices;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestStackTest {
  private static final BooleanSupplier NOT_ASKED =
      () -> {
        throw new AssertionError("Docker was asked, though the embedded stack needs none");
      };

  @Test
  void withoutTheVariableOrWithEmbeddedTheEmbeddedServicesRunAndDockerIsNotAsked() {
    for (String value : new String[] {null, "", "embedded"}) {
      TestStack.Choice choice = TestStack.choose(value, NOT_ASKED);
      assertFalse(choice.skipped(), value);
      assertSame(EmbeddedServices.INSTANCE, choice.services());
      assertSame(EmbeddedServices.INSTANCE, TestStack.services(choice));
    }
  }

  @Test
  void containersWithDockerRunInContainers() {
    TestStack.Choice choice = TestStack.choose("containers", () -> true);
    assertFalse(choice.skipped());
    assertInstanceOf(ContainerServices.class, choice.services());
  }

  @Test
  void containersWithoutDockerAreSkippedNamingWhy() {
    TestStack.Choice choice = TestStack.choose("containers", () -> false);
    assertTrue(choice.skipped());
    assertNull(choice.services());
    assertTrue(choice.skipReason().startsWith("TESSERA_STACK=containers"), choice.skipReason());
    assertTrue(choice.skipReason().contains("no Docker engine answers here"), choice.skipReason());
    TestAbortedException skip =
        assertThrows(TestAbortedException.class, () -> TestStack.services(choice));
    assertTrue(skip.getMessage().contains(choice.skipReason()), skip.getMessage());
  }

  /**
   * The real probe, on a machine without Docker (this project's): Testcontainers answers no, and
   * quickly.
   */
  @Test
  void containersAreSkippedWhereTestcontainersFindsNoDocker() {
    assumeFalse(TestStack.dockerAnswers(), "a Docker engine answers here");
    assertTrue(TestStack.choose("containers", TestStack::dockerAnswers).skipped());
  }

  @Test
  void anUnknownValueFailsNamingTheAllowedOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestStack.choose("docker", NOT_ASKED));
    assertTrue(
        e.getMessage().startsWith("TESSERA_STACK=docker names no stack; allowed: embedded"),
        e.getMessage());
    assertTrue(e.getMessage().contains(" or containers "), e.getMessage());
  }
}
