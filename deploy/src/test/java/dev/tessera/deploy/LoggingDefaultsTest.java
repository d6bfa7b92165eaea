package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh JVM on this module's classpath, configured as {@code ./farm} configures the launcher:
 * SLF4J finds its binding (no "Failed to load class org.slf4j.impl.StaticLoggerBinder"), the
 * libraries' warnings reach the console and their INFO chatter does not, Tessera's INFO does.
 */
class LoggingDefaultsTest {
  @TempDir Path dir;

  @Test
  void librariesLogThroughJavaUtilLoggingFromWarningsOnWithoutSlf4jComplaints() throws Exception {
    Path output = dir.resolve("probe.log");
    Process probe =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.config.class=" + LoggingDefaults.class.getName(),
                "-cp",
                System.getProperty("java.class.path"),
                LoggingProbe.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish within 60 s");
    String printed = Files.readString(output);
    assertEquals(0, probe.exitValue(), printed);
    assertFalse(printed.contains("SLF4J:"), printed);
    assertTrue(printed.contains("library warning"), printed);
    assertFalse(printed.contains("library info"), printed);
    assertTrue(printed.contains("tessera info"), printed);
  }
}
