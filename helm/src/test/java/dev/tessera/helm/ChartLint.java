package dev.tessera.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code helm lint --strict} with a values set. helm-java's lint takes no values file, so this
 * lints a copy of the chart whose {@code values.yaml} is the whole values set ({@link
 * ChartValues}): what {@code helm lint -f} checks.
 */
final class ChartLint {
  private ChartLint() {}

  static LintResult lint(Path chart, JsonNode values, Path workDir) throws IOException {
    Path copy = workDir.resolve(chart.getFileName());
    try (Stream<Path> files = Files.walk(chart)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(chart.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Files.writeString(copy.resolve("values.yaml"), RenderedChart.YAML.writeValueAsString(values));
    return new Helm(copy).lint().strict().call();
  }

  static String describe(LintResult result) {
    List<String> messages = result.getMessages();
    return (result.isFailed() ? "lint failed" : "lint passed") + ": " + String.join("\n", messages);
  }
}
