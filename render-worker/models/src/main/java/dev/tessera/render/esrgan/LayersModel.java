package dev.tessera.render.esrgan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow.js layers model as its converter writes it: {@code model.json} (a Keras functional
 * model's layer list in {@code modelTopology}, and a {@code weightsManifest}) and the weight shards
 * it names, read into memory. Only what a single-input, single-output functional model needs: every
 * layer called once, float32 weights without quantization.
 *
 * @param layers in the file's order, which Keras writes so that every layer follows its inputs
 * @param input the input layer's name
 * @param output the name of the layer whose output is the model's
 * @param weights by name, e.g. {@code F_0/kernel}
 */
public record LayersModel(
    List<LayersModel.Layer> layers, String input, String output, Map<String, Weight> weights) {

  /**
   * One layer.
   *
   * @param className the Keras class, e.g. {@code Conv2D}
   * @param config the layer's Keras config
   * @param inputs names of the layers whose outputs it takes, in order
   */
  public record Layer(String name, String className, JsonNode config, List<String> inputs) {}

  /** One weight tensor: its TensorFlow shape and its values in row-major order. */
  public record Weight(String name, long[] shape, float[] values) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads {@code model.json} and the shards beside it.
   *
   * @throws IOException naming the file and the part that is missing or not supported
   */
  public static LayersModel read(Path modelJson) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(modelJson.toFile());
    } catch (IOException e) {
      throw new IOException(modelJson + ": not a TensorFlow.js model.json: " + e.getMessage(), e);
    }
    JsonNode topology = root.path("modelTopology");
    JsonNode config = topology.has("model_config") ? topology.path("model_config") : topology;
    if (!"layers-model".equals(root.path("format").asText("layers-model"))
        || !config.path("config").path("layers").isArray()) {
      throw new IOException(
          modelJson + ": not a TensorFlow.js layers model (no modelTopology layer list)");
    }
    JsonNode body = config.path("config");
    List<Layer> layers = new ArrayList<>();
    for (JsonNode layer : body.path("layers")) {
      layers.add(layer(modelJson, layer));
    }
    String input = single(modelJson, body.path("input_layers"), "input");
    String output = single(modelJson, body.path("output_layers"), "output");
    return new LayersModel(layers, input, output, weights(modelJson, root.path("weightsManifest")));
  }

  /** The layer named {@code name}'s weight {@code part} ({@code kernel}, {@code bias}). */
  public Weight weight(Layer layer, String part) {
    Weight weight = weights.get(layer.name() + "/" + part);
    if (weight == null) {
      throw new IllegalArgumentException(
          "layer '"
              + layer.name()
              + "' ("
              + layer.className()
              + "): no weight '"
              + layer.name()
              + "/"
              + part
              + "' in the weights manifest");
    }
    return weight;
  }

  private static Layer layer(Path file, JsonNode layer) throws IOException {
    String name = layer.path("name").asText(layer.path("config").path("name").asText());
    String className = layer.path("class_name").asText();
    JsonNode nodes = layer.path("inbound_nodes");
    if (nodes.size() > 1) {
      throw new IOException(
          file + ": layer '" + name + "' (" + className + ") is called more than once");
    }
    List<String> inputs = new ArrayList<>();
    if (nodes.size() == 1) {
      for (JsonNode inbound : nodes.get(0)) {
        if (inbound.path(1).asInt(0) != 0 || inbound.path(2).asInt(0) != 0) {
          throw new IOException(
              file + ": layer '" + name + "' takes a shared layer's or a second output");
        }
        inputs.add(inbound.path(0).asText());
      }
    }
    return new Layer(name, className, layer.path("config"), inputs);
  }

  private static String single(Path file, JsonNode list, String what) throws IOException {
    if (list.size() != 1) {
      throw new IOException(
          file + ": expected one " + what + " layer, found " + list.size() + " (" + list + ")");
    }
    return list.get(0).path(0).asText();
  }

  private static Map<String, Weight> weights(Path file, JsonNode manifest) throws IOException {
    if (!manifest.isArray()) {
      throw new IOException(file + ": no weightsManifest");
    }
    Map<String, Weight> weights = new LinkedHashMap<>();
    for (JsonNode group : manifest) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (JsonNode path : group.path("paths")) {
        Path shard = file.resolveSibling(path.asText());
        if (!Files.isRegularFile(shard)) {
          throw new IOException(file + ": weight shard " + shard.getFileName() + " is missing");
        }
        bytes.write(Files.readAllBytes(shard));
      }
      ByteBuffer data = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode spec : group.path("weights")) {
        String name = spec.path("name").asText();
        if (!"float32".equals(spec.path("dtype").asText()) || spec.has("quantization")) {
          throw new IOException(
              file
                  + ": weight "
                  + name
                  + " is "
                  + spec.path("dtype").asText()
                  + (spec.has("quantization") ? " quantized" : "")
                  + "; only unquantized float32 weights are supported");
        }
        long[] shape = new long[spec.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = spec.path("shape").get(i).asLong();
          count *= shape[i];
        }
        if (data.remaining() < count * Float.BYTES) {
          throw new IOException(
              file + ": the weight shards end before weight " + name + " " + spec.path("shape"));
        }
        float[] values = new float[Math.toIntExact(count)];
        data.asFloatBuffer().get(values);
        data.position(data.position() + values.length * Float.BYTES);
        weights.put(name, new Weight(name, shape, values));
      }
      if (data.hasRemaining()) {
        throw new IOException(
            file + ": " + data.remaining() + " bytes of the weight shards belong to no weight");
      }
    }
    return weights;
  }
}
