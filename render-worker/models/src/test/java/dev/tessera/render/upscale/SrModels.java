package dev.tessera.render.upscale;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.tessera.render.miniature.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Hand-built ONNX models that an sr upscaler must reject. */
public final class SrModels {
  private SrModels() {}

  /** Writes a model whose input and output are [3, H, W] (no batch axis) to {@code file}. */
  public static Path wrongRank(Path file) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("rank3", false);
    String x = g.input("image", DataType.FLOAT_VALUE, "3", "height", "width");
    g.output(g.node("Identity", List.of(x)), "same", DataType.FLOAT_VALUE, "3", "height", "width");
    return Files.write(file, g.build("test").toByteArray());
  }
}
