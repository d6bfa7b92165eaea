package dev.tessera.render.esrgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter on small hand-written layers models whose output is worked out here, and its
 * refusals. (The real packages are compared with TensorFlow.js in {@link EsrganReferenceTest}.)
 */
class LayersModelConverterTest {
  @TempDir Path tmp;

  private static final String INPUT =
      "{\"class_name\":\"InputLayer\",\"name\":\"LR\",\"config\":{\"name\":\"LR\",\"batch_input_shape\":[null,null,null,3]},\"inbound_nodes\":[]}";

  private Path model(String layers, String output, String weights, float... values)
      throws IOException {
    String json =
        "{\"format\":\"layers-model\",\"modelTopology\":{\"model_config\":{\"class_name\":\"Functional\",\"config\":{"
            + "\"layers\":["
            + INPUT
            + (layers.isEmpty() ? "" : "," + layers)
            + "],\"input_layers\":[[\"LR\",0,0]],\"output_layers\":[[\""
            + output
            + "\",0,0]]}}},\"weightsManifest\":[{\"paths\":[\"w.bin\"],\"weights\":["
            + weights
            + "]}]}";
    Path dir = Files.createDirectories(tmp.resolve("m" + System.nanoTime()));
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bytes.putFloat(v);
    }
    Files.write(dir.resolve("w.bin"), bytes.array());
    return Files.writeString(dir.resolve("model.json"), json);
  }

  private static String layer(String type, String name, String config, String... inputs) {
    StringBuilder in = new StringBuilder();
    for (String input : inputs) {
      in.append(in.length() == 0 ? "" : ",").append("[\"").append(input).append("\",0,0,{}]");
    }
    return "{\"class_name\":\""
        + type
        + "\",\"name\":\""
        + name
        + "\",\"config\":{\"name\":\""
        + name
        + "\""
        + (config.isEmpty() ? "" : "," + config)
        + "},\"inbound_nodes\":[["
        + in
        + "]]}";
  }

  private static float[] run(ModelProto proto, float[] nchw, int h, int w) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session =
            env.createSession(proto.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {1, 3, h, w});
        OrtSession.Result result = session.run(Map.of("input", x))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }

  /**
   * A 1×1 convolution that swaps red and blue and adds 10 (in the 0–255 range), a ReLU, then ×2
   * nearest upsampling: the kernel's [kh, kw, in, out] layout, the range folding and the clip.
   */
  @Test
  void convertsConvolutionActivationAndUpsampling() throws Exception {
    String layers =
        layer(
                "Conv2D",
                "swap",
                "\"filters\":3,\"kernel_size\":[1,1],\"strides\":[1,1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"relu\",\"use_bias\":true",
                "LR")
            + ","
            + layer(
                "UpSampling2D",
                "up",
                "\"size\":[2,2],\"data_format\":\"channels_last\",\"interpolation\":\"nearest\"",
                "swap");
    String weights =
        "{\"name\":\"swap/kernel\",\"shape\":[1,1,3,3],\"dtype\":\"float32\"},"
            + "{\"name\":\"swap/bias\",\"shape\":[3],\"dtype\":\"float32\"}";
    // kernel[0][0][in][out]: out 0 <- in 2, out 1 <- in 1, out 2 <- in 0.
    float[] values = {0, 0, 1, 0, 1, 0, 1, 0, 0, 10, -300, 10};
    LayersModel layersModel = LayersModel.read(model(layers, "up", weights, values));
    ModelProto proto = LayersModelConverter.convert(layersModel, 255f, "test", Map.of("k", "v"));
    assertEquals("v", proto.getMetadataProps(0).getValue());
    // A 1x2 image: pixel 0 = (0.2, 0.4, 1.0), pixel 1 = (0.0, 0.5, 0.9); NCHW.
    float[] out = run(proto, new float[] {0.2f, 0.0f, 0.4f, 0.5f, 1.0f, 0.9f}, 1, 2);
    float shift = 10 / 255f;
    // Red = old blue + 10/255, clipped to 1; green = relu(green·255 - 300) = 0; blue = old red.
    float[] red = {1f, 1f, 0.9f + shift, 0.9f + shift};
    float[] blue = {0.2f + shift, 0.2f + shift, shift, shift};
    for (int row = 0; row < 2; row++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(red[x], out[row * 4 + x], 1e-5, "red " + row + "," + x);
        assertEquals(0f, out[8 + row * 4 + x], 1e-6, "green " + row + "," + x);
        assertEquals(blue[x], out[16 + row * 4 + x], 1e-5, "blue " + row + "," + x);
      }
    }
  }

  /** 'same' padding of a 3×3 kernel, MultiplyBeta and Add: a 3×3 box sum × beta plus the input. */
  @Test
  void convertsSamePaddingMultiplyBetaAndAdd() throws Exception {
    String layers =
        layer(
                "Conv2D",
                "box",
                "\"filters\":3,\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"same\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"linear\",\"use_bias\":false",
                "LR")
            + ","
            + layer("MultiplyBeta", "beta", "\"beta\":0.25", "box")
            + ","
            + layer("Add", "sum", "", "beta", "LR");
    float[] kernel = new float[3 * 3 * 3 * 3];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        for (int c = 0; c < 3; c++) {
          kernel[((y * 3 + x) * 3 + c) * 3 + c] = 1;
        }
      }
    }
    LayersModel layersModel =
        LayersModel.read(
            model(
                layers,
                "sum",
                "{\"name\":\"box/kernel\",\"shape\":[3,3,3,3],\"dtype\":\"float32\"}",
                kernel));
    ModelProto proto = LayersModelConverter.convert(layersModel, 1f, "test", Map.of());
    float[] in = new float[3 * 9];
    in[4] = 0.4f; // red, centre of a 3x3 image
    float[] out = run(proto, in, 3, 3);
    float[] expectedRed = new float[9];
    java.util.Arrays.fill(expectedRed, 0.1f);
    expectedRed[4] = 0.5f;
    float[] red = java.util.Arrays.copyOfRange(out, 0, 9);
    assertArrayEquals(expectedRed, red, 1e-6f);
    assertArrayEquals(new float[18], java.util.Arrays.copyOfRange(out, 9, 27), 0f);
  }

  @Test
  void anUnsupportedLayerFailsWithItsNameAndType() throws Exception {
    LayersModel layersModel =
        LayersModel.read(
            model(layer("LeakyReLU", "leaky_7", "\"alpha\":0.2", "LR"), "leaky_7", ""));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LayersModelConverter.convert(layersModel, 1f, "test", Map.of()));
    assertTrue(
        e.getMessage().startsWith("cannot convert layer 'leaky_7' of type LeakyReLU: "),
        e.getMessage());
  }

  @Test
  void refusesQuantizedWeightsAndMissingShards() throws Exception {
    Path quantized =
        model(
            "",
            "LR",
            "{\"name\":\"q/kernel\",\"shape\":[1],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\"}}",
            1f);
    IOException e = assertThrows(IOException.class, () -> LayersModel.read(quantized));
    assertTrue(e.getMessage().contains("weight q/kernel is float32 quantized"), e.getMessage());
    Files.delete(quantized.resolveSibling("w.bin"));
    IOException missing = assertThrows(IOException.class, () -> LayersModel.read(quantized));
    assertTrue(
        missing.getMessage().contains("weight shard w.bin is missing"), missing.getMessage());
  }
}
