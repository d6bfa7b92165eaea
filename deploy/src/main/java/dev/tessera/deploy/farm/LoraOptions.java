package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code --lora NAME[:SCALE]} options of the launcher as a job's {@code loras} field; the gateway
 * checks names and scales.
 */
public final class LoraOptions {
  private LoraOptions() {}

  /**
   * The {@code loras} array for {@code values}, scale 1 where none is given.
   *
   * @throws IllegalArgumentException for a scale that is not a number
   */
  public static ArrayNode toJson(List<String> values) {
    ArrayNode loras = JsonNodeFactory.instance.arrayNode();
    for (String value : values) {
      int colon = value.lastIndexOf(':');
      ObjectNode lora = loras.addObject();
      lora.put("name", colon < 0 ? value : value.substring(0, colon));
      try {
        lora.put("scale", colon < 0 ? 1.0 : Double.parseDouble(value.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--lora: expected NAME:SCALE, got '" + value + "'");
      }
    }
    return loras;
  }
}
