package dev.tessera.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The values a chart renders with, computed as Helm does: the chart's {@code values.yaml} with a
 * values file laid over it, maps merged key by key, anything else replaced, a null removing the
 * key.
 */
final class ChartValues {
  private ChartValues() {}

  /** The chart's own values overlaid by {@code file} ({@code null}: the chart's values alone). */
  static ObjectNode effective(Path chart, Path file) throws IOException {
    ObjectNode values = (ObjectNode) read(chart.resolve("values.yaml"));
    if (file != null) {
      coalesce(values, read(file));
    }
    return values;
  }

  private static JsonNode read(Path file) throws IOException {
    return RenderedChart.YAML.readTree(Files.readString(file));
  }

  private static void coalesce(ObjectNode base, JsonNode overlay) {
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode over = entry.getValue();
      JsonNode under = base.get(entry.getKey());
      if (over.isNull()) {
        base.remove(entry.getKey());
      } else if (over.isObject() && under != null && under.isObject()) {
        coalesce((ObjectNode) under, over);
      } else {
        base.set(entry.getKey(), over.deepCopy());
      }
    }
  }
}
