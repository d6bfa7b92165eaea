package dev.tessera.render.esrgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tessera.render.fetch.Npm;
import dev.tessera.render.fetch.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converted ONNX models compute what the TensorFlow.js originals compute: the same package run
 * in Node with the pure-JavaScript CPU backend of {@code @tensorflow/tfjs} (no native download), on
 * small inputs, against ONNX Runtime Java. {@code slim} covers Conv2D, ReLU, Concatenate, Add and
 * UpSampling2D with its 0–255 range; {@code thick} adds MultiplyBeta and PixelShuffle in 0–1. The
 * packages and tfjs are fetched once per machine into the fetch cache. Skipped, saying so, where
 * npm or node is absent.
 */
class EsrganReferenceTest {
  private static final String TFJS = "@tensorflow/tfjs@4.11.0";
  private static final double TOLERANCE = 1e-3;
  private static Path nodeModules;
  @TempDir static Path tmp;

  @BeforeAll
  static void tools() throws IOException {
    assumeTrue(Npm.available(), "npm is not on the PATH: the TensorFlow.js reference needs it");
    assumeTrue(Processes.onPath("node"), "node is not on the PATH: the reference runs in Node");
    nodeModules = Npm.installed("tfjs-4.11.0", List.of(TFJS));
  }

  @Test
  void slimX4MatchesTensorFlowJs() throws Exception {
    assertMatches(EsrganVariant.SLIM, 4, new int[][] {{12, 10}, {7, 16}});
  }

  @Test
  void slimX3MatchesTensorFlowJs() throws Exception {
    assertMatches(EsrganVariant.SLIM, 3, new int[][] {{9, 11}});
  }

  @Test
  void thickX2MatchesTensorFlowJs() throws Exception {
    assertMatches(EsrganVariant.THICK, 2, new int[][] {{10, 8}});
  }

  private static void assertMatches(EsrganVariant variant, int scale, int[][] sizes)
      throws Exception {
    Path onnx = tmp.resolve(variant.cliName() + "-x" + scale + ".onnx");
    EsrganModels.convert(variant, scale, onnx);
    Path pkg = EsrganModels.fetchPackage(variant);
    Path script = nodeModules.resolveSibling("reference.js");
    try (InputStream in = EsrganReferenceTest.class.getResourceAsStream("/esrgan/reference.js")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      long seed = 1;
      for (int[] size : sizes) {
        int h = size[0];
        int w = size[1];
        float[] nchw = photoLike(h, w, seed++);
        float[] expected = reference(script, pkg, variant, scale, nchw, h, w);
        float[] actual = run(env, session, nchw, h, w);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
          worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf(
            "ESRGAN %s x%d, %dx%d: largest difference to TensorFlow.js %.2e%n",
            variant.cliName(), scale, w, h, worst);
        assertTrue(
            worst < TOLERANCE,
            variant.cliName() + " x" + scale + " " + w + "x" + h + ": largest difference " + worst);
        // Not a blank image: the comparison would prove little if both were flat.
        double spread = 0;
        for (float v : actual) {
          spread = Math.max(spread, Math.abs(v - actual[0]));
        }
        assertTrue(spread > 0.2, "output spread " + spread);
      }
    }
  }

  /** Smooth colour waves with pixel noise: edges and texture for the network to work on. */
  private static float[] photoLike(int h, int w, long seed) {
    Random random = new Random(seed);
    float[] chw = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v =
              0.5 + 0.3 * Math.sin(0.7 * x + c) * Math.cos(0.5 * y) + 0.15 * random.nextGaussian();
          chw[(c * h + y) * w + x] = (float) Math.min(1, Math.max(0, v));
        }
      }
    }
    return chw;
  }

  private static float[] run(OrtEnvironment env, OrtSession session, float[] nchw, int h, int w)
      throws OrtException {
    try (OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {1, 3, h, w});
        OrtSession.Result result = session.run(Map.of("input", x))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }

  /** The Node reference's output, converted from NHWC to NCHW. */
  private static float[] reference(
      Path script, Path pkg, EsrganVariant variant, int scale, float[] nchw, int h, int w)
      throws IOException {
    ByteBuffer in = ByteBuffer.allocate(nchw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          in.putFloat(nchw[(c * h + y) * w + x]);
        }
      }
    }
    Path input = Files.write(tmp.resolve("in.f32"), in.array());
    Path output = tmp.resolve("out.f32");
    Processes.run(
        List.of(
            "node",
            script.toString(),
            pkg.toString(),
            variant.cliName(),
            Integer.toString(scale),
            input.toString(),
            Integer.toString(h),
            Integer.toString(w),
            output.toString()),
        script.getParent(),
        Duration.ofMinutes(5));
    ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(output)).order(ByteOrder.LITTLE_ENDIAN);
    int oh = h * scale;
    int ow = w * scale;
    float[] chw = new float[3 * oh * ow];
    assertArrayEquals(new int[] {3 * oh * ow * 4}, new int[] {out.remaining()}, "output bytes");
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int c = 0; c < 3; c++) {
          chw[(c * oh + y) * ow + x] = out.getFloat();
        }
      }
    }
    return chw;
  }
}
