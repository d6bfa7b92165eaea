package dev.tessera.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each case runs {@link Child} in a JVM of its own, since an armed point ends its process. */
class CrashPointTest {
  /** Reaches the crash point named by its argument, then exits 0. */
  public static final class Child {
    public static void main(String[] args) {
      CrashPoint.valueOf(args[0]).reached("in a test");
      System.out.println("went on past " + args[0]);
    }
  }

  private record Run(int status, String output) {}

  private static Run child(String armedAt, CrashPoint reached) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (armedAt != null) {
      command.add("-Dtessera.crash-at=" + armedAt);
    }
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), Child.class.getName(), reached.name()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("the child JVM did not end within a minute");
    }
    return new Run(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void theArmedPointHaltsTheProcessNamingItself() throws Exception {
    Run run = child("Gateway-After-Commit", CrashPoint.GATEWAY_AFTER_COMMIT);
    assertEquals(CrashPoint.EXIT_STATUS, run.status(), run.output());
    assertTrue(run.output().contains("crashing at gateway-after-commit (in a test)"), run.output());
    assertTrue(!run.output().contains("went on"), run.output());
  }

  @Test
  void anotherPointAndAnUnarmedProcessGoOn() throws Exception {
    Run other = child("scheduler-mid-batch", CrashPoint.GATEWAY_AFTER_COMMIT);
    assertEquals(0, other.status(), other.output());
    assertTrue(other.output().contains("went on past GATEWAY_AFTER_COMMIT"), other.output());
    Run unarmed = child(null, CrashPoint.SCHEDULER_MID_BATCH);
    assertEquals(0, unarmed.status(), unarmed.output());
  }

  @Test
  void anUnknownPointIsNamedWithThePointsThereAre() throws Exception {
    Run run = child("gateway-before-commit", CrashPoint.GATEWAY_AFTER_COMMIT);
    assertTrue(run.status() != 0, run.output());
    assertTrue(
        run.output()
            .contains(
                "TESSERA_CRASH_AT: unknown crash point 'gateway-before-commit'; expected one of"
                    + " gateway-after-commit, scheduler-mid-batch"),
        run.output());
  }
}
