package dev.tessera.helm;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifests of one {@code helm template}, each parsed into the fabric8 Kubernetes model (kinds
 * it does not know, such as KEDA's ScaledObject, as generic resources) and kept as a tree too.
 * Duplicate keys in a manifest fail the parse: the API server would refuse them.
 */
final class RenderedChart {
  static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

  /** One manifest: its tree as rendered and the typed resource. */
  record Manifest(JsonNode tree, HasMetadata resource) {
    String kind() {
      return resource.getKind();
    }

    String name() {
      return resource.getMetadata().getName();
    }
  }

  private final List<Manifest> manifests;

  private RenderedChart(List<Manifest> manifests) {
    this.manifests = List.copyOf(manifests);
  }

  static RenderedChart parse(String rendered) {
    List<Manifest> manifests = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(rendered)) {
      while (documents.hasNext()) {
        JsonNode tree = documents.next();
        if (tree == null || tree.isNull() || tree.isEmpty()) {
          continue;
        }
        manifests.add(new Manifest(tree, KUBERNETES.unmarshal(tree.toString(), HasMetadata.class)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered chart is not valid YAML: " + e.getMessage(), e);
    }
    return new RenderedChart(manifests);
  }

  List<Manifest> all() {
    return manifests;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return manifests.stream()
        .map(Manifest::resource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /** Manifests of a kind the model does not type (custom resources), as trees. */
  List<JsonNode> custom(String kind) {
    return manifests.stream().filter(m -> m.kind().equals(kind)).map(Manifest::tree).toList();
  }

  Optional<Deployment> deployment(String name) {
    return all(Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst();
  }

  /** The Deployments whose pods {@code selector} selects. */
  List<Deployment> podsSelectedBy(Map<String, String> selector) {
    return all(Deployment.class).stream()
        .filter(d -> selects(selector, d.getSpec().getTemplate()))
        .toList();
  }

  /** Whether a non-empty {@code selector} matches the pods {@code template} makes. */
  static boolean selects(Map<String, String> selector, PodTemplateSpec template) {
    Map<String, String> labels = template.getMetadata().getLabels();
    return selector != null
        && !selector.isEmpty()
        && labels != null
        && labels.entrySet().containsAll(selector.entrySet());
  }
}
