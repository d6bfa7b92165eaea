package dev.tessera.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./farm chart template}: what it prints and how it answers a bad command line. */
class ChartCliTest {
  /** The project's root, as the launcher passes it ({@code -Dtessera.home}). */
  private static final Path HOME = Path.of("..");

  @Test
  void templatePrintsTheChartRenderedWithTheValuesFiles() {
    String out =
        run(
            "template",
            "-f",
            "tessera/ci/gpu-keda-values.yaml",
            "--name",
            "farm",
            "--namespace",
            "render");
    RenderedChart chart = RenderedChart.parse(out);
    assertEquals(2, chart.custom("ScaledObject").size());
    Deployment sd21 = chart.deployment("farm-tessera-worker-sd21").orElseThrow();
    assertEquals(
        "tessera/render-worker:0.1.0-SNAPSHOT-cuda",
        sd21.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  void laterValuesFilesWin() {
    String out =
        run(
            "template",
            "-f",
            "tessera/ci/gpu-keda-values.yaml",
            "-f",
            "tessera/ci/cpu-dev-values.yaml");
    RenderedChart chart = RenderedChart.parse(out);
    assertTrue(chart.deployment("tessera-worker-mini").isPresent());
    assertTrue(chart.deployment("tessera-worker-sd21").isEmpty(), "pools are a list: replaced");
    assertEquals(1, chart.custom("ServiceMonitor").size(), "maps merge: the first file's stays");
  }

  @Test
  void aBadCommandLineIsRefusedNamingTheProblem() {
    assertRefused("usage: ./farm chart template");
    assertRefused("unknown chart command 'install'", "install");
    assertRefused("unknown option --set", "template", "--set", "a=b");
    assertRefused("-f needs a value", "template", "-f");
    assertRefused("unexpected argument 'extra'", "template", "extra");
    assertRefused("values file nowhere.yaml does not exist", "template", "-f", "nowhere.yaml");
  }

  @Test
  void badValuesAreHelmsToRefuse() {
    ChartRenderer.ChartException e =
        assertThrows(
            ChartRenderer.ChartException.class,
            () -> run("template", "-f", "src/test/resources/bad-values/pool-without-model.yaml"));
    assertTrue(e.getMessage().contains("missing property 'model'"), e.getMessage());
  }

  private static void assertRefused(String message, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(args));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ChartCli.run(HOME, List.of(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
