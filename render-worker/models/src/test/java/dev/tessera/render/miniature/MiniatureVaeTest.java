package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.floats;
import static dev.tessera.render.miniature.OrtTestTensors.gaussian;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.open;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static dev.tessera.render.miniature.OrtTestTensors.rms;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The miniature VAE's properties the pipeline relies on: a local receptive field (tiled decoding),
 * images of sensible range that follow the latents, and an encoder whose latents decode back to the
 * image's colours (img2img). Latents given to the decoder are in VAE units, diffusion latents
 * divided by the scaling factor, as the pipeline passes them.
 */
class MiniatureVaeTest {
  private static final float SCALING_FACTOR = 0.18215f;
  private static final int SIDE = 32;
  private static final int CROP = 16;

  @TempDir static Path dir;
  private static OrtSession decoder;
  private static OrtSession encoder;

  @BeforeAll
  static void writeBundle() throws IOException, OrtException {
    MiniatureBundle.write(MiniatureKind.SD2, false, dir, null);
    decoder = open(dir.resolve("vae_decoder/model.onnx"));
    encoder = open(dir.resolve("vae_encoder/model.onnx"));
  }

  @AfterAll
  static void close() throws OrtException {
    decoder.close();
    encoder.close();
  }

  @Test
  void cropDecodesToTheSamePixelsAwayFromItsBorder() throws OrtException {
    float[] latent = unitDiffusionLatents(11, SIDE);
    float[] crop = new float[4 * CROP * CROP];
    for (int c = 0; c < 4; c++) {
      for (int y = 0; y < CROP; y++) {
        System.arraycopy(latent, (c * SIDE + y) * SIDE, crop, (c * CROP + y) * CROP, CROP);
      }
    }
    float[] whole = decode(latent, SIDE);
    float[] part = decode(crop, CROP);

    int interior = 8 * (CROP - 6); // the receptive field reaches about 4 latent pixels
    double interiorDifference = 0;
    double borderDifference = 0;
    int wholeSide = 8 * SIDE;
    int partSide = 8 * CROP;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < partSide; y++) {
        for (int x = 0; x < partSide; x++) {
          double d =
              Math.abs(
                  whole[(c * wholeSide + y) * wholeSide + x]
                      - part[(c * partSide + y) * partSide + x]);
          if (y < interior && x < interior) {
            interiorDifference = Math.max(interiorDifference, d);
          } else if (y >= partSide - 8 || x >= partSide - 8) {
            borderDifference = Math.max(borderDifference, d);
          }
        }
      }
    }
    assertTrue(interiorDifference <= 1e-4, "interior differs by " + interiorDifference);
    // the crop's zero padding does show next to its border, so the comparison above is not vacuous
    assertTrue(borderDifference > 1e-3, "border differs by " + borderDifference);
  }

  @Test
  void unitLatentsGiveVariedPixelsMostlyWithinUnitRange() throws OrtException {
    float[] image = decode(unitDiffusionLatents(12, SIDE), SIDE);
    long within = 0;
    for (float value : image) {
      within += Math.abs(value) <= 1 ? 1 : 0;
    }
    assertTrue(
        within >= 0.95 * image.length,
        "only " + within + " of " + image.length + " within [-1, 1]");
    assertTrue(rms(image) > 0.1, "not a flat grey: rms " + rms(image));
  }

  @Test
  void flatLatentsOfDifferentValuesGiveDifferentColours() throws OrtException {
    float[] plus = new float[4 * SIDE * SIDE];
    Arrays.fill(plus, 1 / SCALING_FACTOR);
    float[] minus = new float[4 * SIDE * SIDE];
    Arrays.fill(minus, -1 / SCALING_FACTOR);
    double[] plusColour = meanColour(decode(plus, SIDE));
    double[] minusColour = meanColour(decode(minus, SIDE));
    double distance = 0;
    for (int c = 0; c < 3; c++) {
      distance = Math.max(distance, Math.abs(plusColour[c] - minusColour[c]));
    }
    assertTrue(distance > 0.1, "mean colours differ by " + distance);
  }

  @Test
  void encodedImageDecodesBackToItsColours() throws OrtException {
    int side = 8 * SIDE;
    float[] image = smoothImage(side);
    float[] parameters;
    try (OnnxTensor input = floats(inputInfo(encoder, "sample"), image, 1, 3, side, side);
        OrtSession.Result result = encoder.run(Map.of("sample", input))) {
      parameters = read((OnnxTensor) result.get(0));
    }
    int plane = SIDE * SIDE;
    float[] mean = Arrays.copyOf(parameters, 4 * plane);
    float[] logVariance = Arrays.copyOfRange(parameters, 4 * plane, 8 * plane);

    double diffusionScale = rms(mean) * SCALING_FACTOR;
    assertTrue(
        diffusionScale > 0.3 && diffusionScale < 3,
        "diffusion latents of unit-ish scale: " + diffusionScale);
    double meanLogVariance = Arrays.stream(toDoubles(logVariance)).average().orElseThrow();
    assertTrue(meanLogVariance < -2, "a narrow distribution, mean logvar " + meanLogVariance);

    float[] decoded = decode(mean, SIDE);
    double error = meanAbsoluteDifference(clamp(decoded), image);
    float[] mirrored = new float[image.length];
    for (int i = 0; i < image.length; i++) {
      mirrored[i] = image[image.length - 1 - i];
    }
    assertTrue(error < 0.15, "round trip differs by " + error);
    assertTrue(
        error < meanAbsoluteDifference(mirrored, image) / 3,
        "closer to its image than another image is");
  }

  /** A horizontal ramp in red, a disc in green, stripes in blue; values within [-1, 1]. */
  private static float[] smoothImage(int side) {
    float[] image = new float[3 * side * side];
    int plane = side * side;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image[y * side + x] = 2f * x / side - 1;
        image[plane + y * side + x] =
            Math.hypot(x - side / 2.0, y - side / 2.5) < side / 4.0 ? 0.8f : -0.5f;
        image[2 * plane + y * side + x] = (float) (0.7 * Math.sin(y / 20.0));
      }
    }
    return image;
  }

  private static float[] unitDiffusionLatents(long seed, int side) {
    float[] latents = gaussian(seed, 4 * side * side);
    for (int i = 0; i < latents.length; i++) {
      latents[i] /= SCALING_FACTOR;
    }
    return latents;
  }

  private static float[] clamp(float[] values) {
    float[] clamped = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      clamped[i] = Math.max(-1, Math.min(1, values[i]));
    }
    return clamped;
  }

  private static double meanAbsoluteDifference(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }

  private static double[] meanColour(float[] image) {
    int plane = image.length / 3;
    double[] mean = new double[3];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        mean[c] += image[c * plane + i];
      }
      mean[c] /= plane;
    }
    return mean;
  }

  private static float[] decode(float[] latent, int side) throws OrtException {
    try (OnnxTensor input = floats(inputInfo(decoder, "latent_sample"), latent, 1, 4, side, side);
        OrtSession.Result result = decoder.run(Map.of("latent_sample", input))) {
      return read((OnnxTensor) result.get(0));
    }
  }
}
