package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.ENV;
import static dev.tessera.render.miniature.OrtTestTensors.floats;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxGraphBuilderTest {
  @ParameterizedTest(name = "fp16={0}")
  @ValueSource(booleans = {false, true})
  void scalesByAWeightInEitherPrecision(boolean fp16) throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("scale", fp16);
    String x = g.floatInput("x", "batch", "3");
    String scaled =
        g.node("Mul", List.of(x, g.weight("factors", new long[] {3}, new float[] {0.5f, -2f, 4f})));
    g.floatOutput(scaled, "y", "batch", "3");
    byte[] model = g.build("test graph").toByteArray();

    try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor input =
            floats(inputInfo(session, "x"), new float[] {1, 1, 1, 2, 3, 0.25f}, 2, 3);
        OrtSession.Result result = session.run(Map.of("x", input))) {
      OnnxJavaType expected = fp16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
      assertEquals(expected, inputInfo(session, "x").type);
      OnnxTensor y = (OnnxTensor) result.get("y").orElseThrow();
      assertEquals(expected, y.getInfo().type);
      assertArrayEquals(new float[] {0.5f, -2, 4, 1, -6, 1}, read(y), 1e-6f);
    }
  }

  @Test
  void freshNamesNeverRepeat() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("names", false);
    assertEquals("add", g.freshName("add"));
    assertEquals("add_2", g.freshName("add"));
    assertEquals("add_3", g.freshName("add_3"));
    assertEquals("add_4", g.freshName("add"), "add_3 is taken");
  }

  @Test
  void rejectsMisuseWithMessagesNamingTheProblem() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("bad", false);
    g.input("x", DataType.FLOAT_VALUE, "2");
    IllegalArgumentException duplicate =
        assertThrows(IllegalArgumentException.class, () -> g.input("x", DataType.FLOAT_VALUE, "2"));
    assertTrue(duplicate.getMessage().contains("x"), duplicate.getMessage());
    IllegalArgumentException count =
        assertThrows(
            IllegalArgumentException.class, () -> g.weight("w", new long[] {2, 2}, new float[3]));
    assertTrue(count.getMessage().contains("w"), count.getMessage());
    IllegalArgumentException unproduced =
        assertThrows(
            IllegalArgumentException.class,
            () -> g.output("nowhere", "y", DataType.FLOAT_VALUE, "2"));
    assertTrue(unproduced.getMessage().contains("nowhere"), unproduced.getMessage());
    assertThrows(IllegalArgumentException.class, () -> g.build("no outputs"));
  }
}
