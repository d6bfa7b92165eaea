package dev.tessera.render.esrgan;

import static dev.tessera.render.miniature.OnnxGraphBuilder.intAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intsAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.stringAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.render.esrgan.LayersModel.Layer;
import dev.tessera.render.esrgan.LayersModel.Weight;
import dev.tessera.render.miniature.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a TensorFlow.js layers model of the super-resolution kind as an ONNX model the sr upscaler
 * runs: {@code input} [batch, 3, H, W] RGB in [0, 1] → {@code output} [batch, 3, sH, sW] in [0, 1].
 * The network's own pixel range (0–255 for UpscalerJS's RDN models) is folded in: the input is
 * multiplied up to it and the output divided back and clipped to [0, 1], as UpscalerJS clips its
 * output. Layers run in NCHW where Keras ran NHWC, so channel axes become axis 1 and kernels are
 * transposed from [kh, kw, in, out] to [out, in, kh, kw].
 *
 * <p>Layers it converts: InputLayer, Conv2D (stride 1, any dilation, {@code same} or {@code valid},
 * activation linear, relu, sigmoid or tanh), Activation (the same), Concatenate (channels), Add,
 * UpSampling2D (nearest), and UpscalerJS's MultiplyBeta (× beta) and PixelShuffleNx (TensorFlow's
 * depth-to-space, which is ONNX's DCR order). Any other layer fails with its name and type.
 * Stateless.
 */
public final class LayersModelConverter {
  private LayersModelConverter() {}

  /**
   * The ONNX model of {@code model}.
   *
   * @param range the top of the network's pixel range (255 or 1)
   * @param metadata written into the model's {@code metadata_props}
   * @throws IllegalArgumentException naming the first layer it cannot convert and why
   */
  public static ModelProto convert(
      LayersModel model, float range, String docString, Map<String, String> metadata) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("esrgan", false);
    g.producer("tessera-esrgan-converter");
    metadata.forEach(g::metadata);
    String image = g.floatInput("input", "batch", "3", "height", "width");
    String scaled =
        range == 1f ? image : g.node("Mul", List.of(image, g.scalarWeight("input_range", range)));
    Map<String, String> tensors = new HashMap<>();
    for (Layer layer : model.layers()) {
      List<String> inputs = new ArrayList<>();
      for (String from : layer.inputs()) {
        String tensor = tensors.get(from);
        if (tensor == null) {
          throw unsupported(layer, "its input '" + from + "' comes from no earlier layer");
        }
        inputs.add(tensor);
      }
      String out =
          layer.name().equals(model.input())
              ? inputLayer(layer, scaled)
              : layer(g, model, layer, inputs);
      tensors.put(layer.name(), out);
    }
    String result = tensors.get(model.output());
    if (result == null) {
      throw new IllegalArgumentException(
          "the output layer '" + model.output() + "' is not in the layer list");
    }
    if (range != 1f) {
      result = g.node("Mul", List.of(result, g.scalarWeight("output_range", 1f / range)));
    }
    result =
        g.node(
            "Clip",
            List.of(result, g.scalarWeight("clip_min", 0f), g.scalarWeight("clip_max", 1f)));
    g.floatOutput(result, "output", "batch", "3", "output_height", "output_width");
    return g.build(docString);
  }

  private static String inputLayer(Layer layer, String image) {
    JsonNode shape = layer.config().path("batch_input_shape");
    JsonNode channels = shape.path(shape.size() - 1);
    if (!layer.className().equals("InputLayer") || (!channels.isNull() && channels.asInt() != 3)) {
      throw unsupported(layer, "the input must be an InputLayer of 3 channels (RGB), got " + shape);
    }
    return image;
  }

  private static String layer(
      OnnxGraphBuilder g, LayersModel model, Layer layer, List<String> inputs) {
    return switch (layer.className()) {
      case "Conv2D" -> activation(g, layer, conv(g, model, layer, one(layer, inputs)));
      case "Activation" -> activation(g, layer, one(layer, inputs));
      case "Concatenate" -> {
        int axis = layer.config().path("axis").asInt(-1);
        if (axis != -1 && axis != 3) {
          throw unsupported(layer, "only the channel axis (3 or -1) is supported, got " + axis);
        }
        yield g.node("Concat", inputs, intAttr("axis", 1));
      }
      case "Add" -> inputs.size() == 1 ? inputs.get(0) : g.node("Sum", inputs);
      case "UpSampling2D" -> upsampling(g, layer, one(layer, inputs));
      case "MultiplyBeta" ->
          g.node(
              "Mul",
              List.of(
                  one(layer, inputs),
                  g.scalarWeight(layer.name() + ".beta", (float) number(layer, "beta"))));
      default -> {
        if (layer.className().matches("PixelShuffle\\d+x")) {
          yield g.node(
              "DepthToSpace",
              List.of(one(layer, inputs)),
              intAttr("blocksize", (long) number(layer, "scale")),
              stringAttr("mode", "DCR"));
        }
        throw unsupported(
            layer,
            "the converter knows InputLayer, Conv2D, Activation, Concatenate, Add, UpSampling2D,"
                + " MultiplyBeta and PixelShuffleNx");
      }
    };
  }

  private static String conv(OnnxGraphBuilder g, LayersModel model, Layer layer, String input) {
    JsonNode c = layer.config();
    if (!"channels_last".equals(c.path("data_format").asText("channels_last"))) {
      throw unsupported(
          layer, "data_format " + c.path("data_format").asText() + " is not supported");
    }
    if (c.path("strides").path(0).asInt(1) != 1 || c.path("strides").path(1).asInt(1) != 1) {
      throw unsupported(layer, "strides " + c.path("strides") + " are not supported (only 1)");
    }
    if (c.path("groups").asInt(1) != 1) {
      throw unsupported(layer, "grouped convolutions are not supported");
    }
    Weight kernel = model.weight(layer, "kernel");
    if (kernel.shape().length != 4) {
      throw unsupported(layer, "a 2-D kernel has 4 dimensions, got " + kernel.shape().length);
    }
    int kh = (int) kernel.shape()[0];
    int kw = (int) kernel.shape()[1];
    int in = (int) kernel.shape()[2];
    int out = (int) kernel.shape()[3];
    int dh = c.path("dilation_rate").path(0).asInt(1);
    int dw = c.path("dilation_rate").path(1).asInt(1);
    String padding = c.path("padding").asText("valid");
    long[] pads;
    if (padding.equals("same")) {
      // TensorFlow puts the odd pixel of a 'same' padding after, not before.
      int ph = dh * (kh - 1);
      int pw = dw * (kw - 1);
      pads = new long[] {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2};
    } else if (padding.equals("valid")) {
      pads = new long[] {0, 0, 0, 0};
    } else {
      throw unsupported(layer, "padding '" + padding + "' is not supported");
    }
    float[] oihw = new float[kernel.values().length];
    float[] hwio = kernel.values();
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            oihw[((o * in + i) * kh + y) * kw + x] = hwio[((y * kw + x) * in + i) * out + o];
          }
        }
      }
    }
    List<String> inputs =
        new ArrayList<>(
            List.of(input, g.weight(layer.name() + ".weight", new long[] {out, in, kh, kw}, oihw)));
    if (c.path("use_bias").asBoolean(true)) {
      inputs.add(
          g.weight(layer.name() + ".bias", new long[] {out}, model.weight(layer, "bias").values()));
    }
    return g.node(
        "Conv",
        inputs,
        intsAttr("kernel_shape", kh, kw),
        intsAttr("pads", pads),
        intsAttr("dilations", dh, dw),
        intsAttr("strides", 1, 1));
  }

  private static String activation(OnnxGraphBuilder g, Layer layer, String x) {
    String name = layer.config().path("activation").asText("linear");
    return switch (name) {
      case "linear" -> x;
      case "relu" -> g.node("Relu", List.of(x));
      case "sigmoid" -> g.node("Sigmoid", List.of(x));
      case "tanh" -> g.node("Tanh", List.of(x));
      default -> throw unsupported(layer, "activation '" + name + "' is not supported");
    };
  }

  private static String upsampling(OnnxGraphBuilder g, Layer layer, String x) {
    JsonNode c = layer.config();
    String interpolation = c.path("interpolation").asText("nearest");
    if (!interpolation.equals("nearest")) {
      throw unsupported(
          layer, "interpolation '" + interpolation + "' is not supported (only nearest)");
    }
    float sh = c.path("size").path(0).floatValue();
    float sw = c.path("size").path(1).floatValue();
    // Asymmetric coordinates with floor repeat each pixel exactly s times, as Keras does.
    return g.node(
        "Resize",
        List.of(x, "", g.float32Parameter("upsample_scales", 1f, 1f, sh, sw)),
        stringAttr("mode", "nearest"),
        stringAttr("coordinate_transformation_mode", "asymmetric"),
        stringAttr("nearest_mode", "floor"));
  }

  private static String one(Layer layer, List<String> inputs) {
    if (inputs.size() != 1) {
      throw unsupported(layer, "expected one input, got " + inputs.size());
    }
    return inputs.get(0);
  }

  private static double number(Layer layer, String key) {
    JsonNode value = layer.config().path(key);
    if (!value.isNumber()) {
      throw unsupported(layer, "its config has no number '" + key + "'");
    }
    return value.doubleValue();
  }

  private static IllegalArgumentException unsupported(Layer layer, String why) {
    return new IllegalArgumentException(
        "cannot convert layer '" + layer.name() + "' of type " + layer.className() + ": " + why);
  }
}
