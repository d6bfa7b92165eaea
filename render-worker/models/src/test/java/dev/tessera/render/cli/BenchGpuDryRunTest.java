package dev.tessera.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench gpu}'s CPU dry run: the same code path as on a GPU (warm-up, timed job with the x4
 * upscale, batched UNet calls with the profiled placement, JSON, table, capacity), on the CPU
 * provider with the miniature bundles at tiny sizes, so it runs in seconds.
 */
class BenchGpuDryRunTest {
  @TempDir Path tmp;

  private static String[] run(int expectedCode, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EngineCli.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(expectedCode, code, stdout + stderr);
    return new String[] {stdout, stderr};
  }

  @Test
  void cpuDryRunMeasuresEveryFigureAndComputesTheCapacity() throws IOException {
    Path sd = MiniatureFixtures.bundle(MiniatureKind.SD2_V, false);
    Path x4 = MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false);
    Path out = tmp.resolve("bench");
    String[] r =
        run(
            0,
            "bench",
            "gpu",
            "--device",
            "cpu",
            "--sd",
            sd.toString(),
            "--x4",
            x4.toString(),
            "--size",
            "64",
            "--steps",
            "2",
            "--upscale-steps",
            "1",
            "--target",
            "256",
            "--batches",
            "1,2",
            "--repeats",
            "2",
            "--out",
            out.toString(),
            "--jobs",
            "1000",
            "--hours",
            "8");
    assertTrue(r[0].contains("render      64x64, 2 steps:"), r[0]);
    assertTrue(r[0].contains("(x4, 1 tile, 1 steps"), r[0]);
    assertTrue(r[0].matches("(?s).*\\n1 +[0-9.]+ +[0-9.]+ +[0-9.]+\\n2 +[0-9.]+.*"), r[0]);
    assertTrue(r[0].contains("1,000 jobs (64x64, 2 steps, x4 to 256) in 8.0 h:"), r[0]);
    assertTrue(r[0].contains("gpu: 0"), r[0]);

    List<Path> jsons;
    try (var files = Files.list(out)) {
      jsons = files.filter(f -> f.toString().endsWith(".json")).toList();
    }
    assertEquals(1, jsons.size(), "the report only; the profile is deleted once read: " + jsons);
    Path json = jsons.get(0);
    assertTrue(
        json.getFileName().toString().matches("gpu-cpu-[0-9]+-cores\\.json"), json.toString());
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertTrue(report.get("device").asText().startsWith("cpu ("), report.toString());
    assertEquals(2, report.get("batches").size());
    assertTrue(
        report.get("wholeJobSeconds").asDouble() >= report.get("secondsPerImage").asDouble());
    assertTrue(report.get("placement").get("CPUExecutionProvider").asInt() > 0, report.toString());
    for (JsonNode batch : report.get("batches")) {
      assertTrue(batch.get("unetCallMs").asDouble() > 0, batch.toString());
      assertTrue(batch.get("imagesPerMinute").asDouble() > 0, batch.toString());
    }

    // the capacity table again from the JSON, as for figures measured elsewhere
    String[] capacity = run(0, "bench", "capacity", json.toString(), "--jobs", "1000");
    assertTrue(capacity[0].contains("workers"), capacity[0]);
    assertTrue(capacity[0].contains("replicas: "), capacity[0]);
  }

  @Test
  void badArgumentsAreNamed() {
    assertTrue(run(2, "bench", "gpu", "--batches", "1,x")[1].contains("--batches"));
    assertTrue(run(2, "bench", "gpu", "--sd", "/nowhere")[1].contains("--sd and --x4"));
    assertTrue(run(2, "bench", "gpu", "--steps", "0")[1].contains("--steps"));
  }
}
