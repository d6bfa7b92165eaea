package dev.tessera.render.miniature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-ins' files: external weights, determinism, precision. One small network each. */
class StandInFilesTest {
  @TempDir Path tmp;

  private static StandInKind.Network network(String dir, boolean fp16) {
    return StandInKind.SD21.networks(fp16).stream()
        .filter(n -> n.dir().equals(dir))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void sameArgumentsWriteTheSameBytes() throws IOException {
    for (boolean fp16 : new boolean[] {false, true}) {
      Path a = tmp.resolve("a" + fp16);
      Path b = tmp.resolve("b" + fp16);
      StandInBundle.writeNetwork(network("vae_encoder", fp16), fp16, a);
      StandInBundle.writeNetwork(network("vae_encoder", fp16), fp16, b);
      for (String file : new String[] {"model.onnx", ExternalWeights.FILE_NAME}) {
        assertArrayEquals(
            Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
      }
    }
  }

  /**
   * Every float weight lives in model.onnx_data at its recorded offset; fp16 halves the file and
   * declares float16 inputs, outputs and weights with no Cast back to float32.
   */
  @Test
  void weightsGoToTheExternalFileInTheirPrecision() throws IOException {
    Path fp32 = tmp.resolve("fp32");
    Path fp16 = tmp.resolve("fp16");
    StandInBundle.writeNetwork(network("vae_encoder", false), false, fp32);
    StandInBundle.writeNetwork(network("vae_encoder", true), true, fp16);

    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(fp32.resolve("model.onnx")));
    long end = 0;
    for (TensorProto tensor : model.getGraph().getInitializerList()) {
      if (tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
        assertEquals(TensorProto.DataLocation.EXTERNAL, tensor.getDataLocation(), tensor.getName());
        assertEquals(end, Long.parseLong(tensor.getExternalData(1).getValue()), tensor.getName());
        end += Long.parseLong(tensor.getExternalData(2).getValue());
      }
    }
    long dataBytes = Files.size(fp32.resolve(ExternalWeights.FILE_NAME));
    assertEquals(end, dataBytes);
    assertTrue(dataBytes > 4 * 34_163_664L, "at least every parameter in float32");
    assertEquals(dataBytes / 2, Files.size(fp16.resolve(ExternalWeights.FILE_NAME)));

    ModelProto half = ModelProto.parseFrom(Files.readAllBytes(fp16.resolve("model.onnx")));
    assertEquals(
        TensorProto.DataType.FLOAT16_VALUE,
        half.getGraph().getInput(0).getType().getTensorType().getElemType());
    assertEquals(
        TensorProto.DataType.FLOAT16_VALUE,
        half.getGraph().getOutput(0).getType().getTensorType().getElemType());
    assertTrue(
        half.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Cast")),
        "an fp16 stand-in computes in float16");
  }

  @Test
  void unknownKindsAreRefusedNamingTheAllowedOnes() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> StandInKind.parse("sd15"));
    assertTrue(error.getMessage().contains("sd21, sd21-base, x4-upscaler"), error.getMessage());
    assertEquals(StandInKind.SD21_BASE, StandInKind.parse("SD21-BASE"));
  }
}
