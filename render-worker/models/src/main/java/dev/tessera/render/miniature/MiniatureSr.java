package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.LatentColours.RGB;
import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.OnnxGraphBuilder.floatAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intsAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.stringAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An untrained single-network super-resolution model with the I/O contract of an ESRGAN-family ONNX
 * export: {@code input} [batch, 3, height, width] RGB in [0, 1] → {@code output} [batch, 3,
 * 4·height, 4·width] in about the same range. Spatial sizes are symbolic, so the scale is not in
 * the declared shapes (a caller has to probe, as with many real exports).
 *
 * <p>Layers: an unsharp mask of the input (edge-padded 3×3 binomial blur) upsampled bilinearly ×4,
 * plus a residual texture branch as in ESRGAN's tail: conv_first + LeakyReLU, one residual conv
 * block, a zero-sum conv to 3·16 channels and a pixel shuffle (DepthToSpace, blocksize 4). So the
 * output looks like a sharpened upsample with faint untrained texture along edges. Every output
 * pixel depends only on input pixels within three of it, so tiled upscaling equals whole upscaling
 * away from tile borders.
 *
 * <p>Written by {@link #write} as {@code model.onnx} beside {@code miniature.json}, which says it
 * is untrained.
 */
final class MiniatureSr {
  static final int SCALE = 4;
  private static final int FEATURES = 16;
  private static final long SEED = 7_700L;
  private static final float SHARPEN = 0.5f;
  private static final float LEAKY_SLOPE = 0.2f;
  private static final double LEAKY_GAIN = 1.4;
  private static final double RESIDUAL_GAIN = 0.5;
  private static final double TEXTURE_GAIN = 0.05;

  private MiniatureSr() {}

  static void write(boolean fp16, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.onnx"), build(fp16).toByteArray());
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_tessera_miniature", MiniatureBundle.DISCLAIMER);
    json.put(
        "architecture",
        "ESRGAN-style: unsharp bilinear x4 base + conv/pixel-shuffle texture branch");
    json.put("input", "input [batch, 3, height, width] RGB in [0, 1]");
    json.put("output", "output [batch, 3, 4*height, 4*width] RGB in [0, 1]");
    json.put("scale", SCALE);
    json.put("torch_dtype", fp16 ? "float16" : "float32");
    MiniatureConfigFiles.write(dir.resolve("miniature.json"), json);
  }

  static ModelProto build(boolean fp16) {
    NetworkBlocks nn = new NetworkBlocks(new OnnxGraphBuilder("sr", fp16), SEED);
    OnnxGraphBuilder g = nn.graph();
    String image = g.floatInput("input", BATCH, Integer.toString(RGB), "height", "width");

    String padded =
        g.node(
            "Pad",
            List.of(image, g.int64Vector(0, 0, 1, 1, 0, 0, 1, 1)),
            stringAttr("mode", "edge"));
    String blurred =
        g.node(
            "Conv",
            List.of(padded, g.weight("blur.weight", new long[] {RGB, 1, 3, 3}, binomialKernels())),
            intsAttr("kernel_shape", 3, 3),
            intAttr("group", RGB));
    String detail = g.node("Sub", List.of(image, blurred));
    String sharp = nn.add(image, nn.mul(detail, g.scalarWeight("sharpen", SHARPEN)));
    String base =
        g.node(
            "Resize",
            List.of(sharp, "", g.float32Parameter("upsample_scales", 1f, 1f, SCALE, SCALE)),
            stringAttr("mode", "linear"),
            stringAttr("coordinate_transformation_mode", "half_pixel"));

    String features =
        leakyRelu(g, nn.conv("conv_first", image, new ConvShape(RGB, FEATURES, 3, 1), 1));
    String body =
        nn.conv(
            "body.conv",
            features,
            new ConvShape(FEATURES, FEATURES, 3, 1),
            RESIDUAL_GAIN * LEAKY_GAIN);
    features = nn.add(features, leakyRelu(g, body));
    int shuffled = RGB * SCALE * SCALE;
    String texture =
        nn.centeredConv(
            "conv_up",
            features,
            new ConvShape(FEATURES, shuffled, 3, 1),
            TEXTURE_GAIN * LEAKY_GAIN);
    texture =
        g.node(
            "DepthToSpace",
            List.of(texture),
            intAttr("blocksize", SCALE),
            stringAttr("mode", "CRD"));

    g.floatOutput(
        nn.add(base, texture),
        "output",
        BATCH,
        Integer.toString(RGB),
        "output_height",
        "output_width");
    return g.build(MiniatureBundle.DISCLAIMER + ": x4 super-resolution network");
  }

  private static String leakyRelu(OnnxGraphBuilder g, String x) {
    return g.node("LeakyRelu", List.of(x), floatAttr("alpha", LEAKY_SLOPE));
  }

  /** One 3×3 binomial kernel ([1 2 1] ⊗ [1 2 1] / 16) per channel, for a depthwise convolution. */
  private static float[] binomialKernels() {
    float[] taps = {1, 2, 1};
    float[] kernels = new float[RGB * 9];
    for (int c = 0; c < RGB; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 3; x++) {
          kernels[c * 9 + y * 3 + x] = taps[y] * taps[x] / 16f;
        }
      }
    }
    return kernels;
  }
}
