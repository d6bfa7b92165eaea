package dev.tessera.helm;

import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders the Tessera chart ({@code helm/tessera}) as {@code helm template} does, through Helm's
 * own Go library (helm-java): the values are checked against {@code values.schema.json} first, so
 * bad values fail here exactly as they would at install. No cluster is contacted.
 */
public final class ChartRenderer {
  /** The chart, relative to the project's root. */
  public static final Path CHART = Path.of("helm", "tessera");

  /**
   * The Kubernetes version templates are rendered for when none is given: without a cluster Helm
   * would assume its own old default, below the chart's {@code kubeVersion}.
   */
  public static final String KUBE_VERSION = "1.30.0";

  private final Path chart;

  /**
   * @param chart the chart's directory
   * @throws IllegalArgumentException when {@code chart} holds no {@code Chart.yaml}
   */
  public ChartRenderer(Path chart) {
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalArgumentException("no Helm chart at " + chart + " (Chart.yaml missing)");
    }
    this.chart = chart;
  }

  /** The chart's directory. */
  public Path chart() {
    return chart;
  }

  /**
   * The chart's manifests for {@code release} in {@code namespace} on Kubernetes {@code
   * kubeVersion}, the chart's values overlaid by {@code valuesFiles} in order (later files win, as
   * with {@code helm -f a -f b}).
   *
   * @throws IllegalArgumentException when a values file does not exist
   * @throws ChartException when Helm refuses the values (schema, a template's check) or a template
   */
  public String template(
      String release, String namespace, String kubeVersion, List<Path> valuesFiles) {
    var command =
        new Helm(chart)
            .template()
            .withName(release)
            .withNamespace(namespace)
            .withKubeVersion(kubeVersion);
    for (Path file : valuesFiles) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("values file " + file + " does not exist");
      }
      command.withValuesFile(file.toAbsolutePath());
    }
    try {
      return command.call();
    } catch (IllegalStateException e) {
      // helm-java reports Helm's own error text this way.
      throw new ChartException(e.getMessage(), e);
    }
  }

  /** Helm refused to render the chart; the message is Helm's. */
  public static final class ChartException extends RuntimeException {
    ChartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
