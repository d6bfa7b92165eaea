package dev.tessera.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad values fail at install ({@code helm template} and {@code helm install} validate the same
 * way), with Helm's message naming the value: values.schema.json for shapes and ranges, the
 * templates' own checks for what a schema cannot say.
 */
class ChartSchemaTest {
  private static final Path BAD = Path.of("src/test/resources/bad-values");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "negative-replicas.yaml | '/workers/pools/0/replicas': minimum",
        "pool-without-model.yaml | missing property 'model'",
        "gpu-not-a-number.yaml | '/workers/pools/0/gpu'",
        "pool-without-limits.yaml | missing property 'limits'",
        "misspelt-key.yaml | 'replica' not allowed",
        "no-postgresql-secret.yaml | '/postgresql/existingSecret'",
        "runs-as-root.yaml | '/podSecurityContext/runAsNonRoot'",
        "pool-name-not-dns.yaml | '/workers/pools/0/name'",
        "keda-below-zero.yaml | '/workers/pools/0/keda/minReplicaCount'",
        "duplicate-pool-names.yaml | the name \"gpu\" is used twice",
        "kafka-nowhere.yaml | kafka: set bootstrapServers",
        "gateway-refuses-a-pool-model.yaml | gateway.models does not list \"stable-diffusion-2-1\"",
      })
  void badValuesFailNamingTheProblem(String file, String named) {
    ChartRenderer renderer = new ChartRenderer(ChartRenderTest.CHART);
    ChartRenderer.ChartException e =
        assertThrows(
            ChartRenderer.ChartException.class,
            () ->
                renderer.template(
                    "prod", "render", ChartRenderer.KUBE_VERSION, List.of(BAD.resolve(file))));
    assertTrue(e.getMessage().contains(named), file + " failed with: " + e.getMessage());
  }
}
