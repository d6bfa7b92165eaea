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

/** The miniature VAE decoder's properties the tiled decoder and the demo rely on. */
class MiniatureVaeDecoderTest {
  private static final int SIDE = 32;
  private static final int CROP = 16;

  @TempDir static Path dir;
  private static OrtSession decoder;

  @BeforeAll
  static void writeBundle() throws IOException, OrtException {
    MiniatureBundle.write(MiniatureKind.SD2, false, dir, null);
    decoder = open(dir.resolve("vae_decoder/model.onnx"));
  }

  @AfterAll
  static void close() throws OrtException {
    decoder.close();
  }

  @Test
  void cropDecodesToTheSamePixelsAwayFromItsBorder() throws OrtException {
    float[] latent = gaussian(11, 4 * SIDE * SIDE);
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
          double d = Math.abs(whole[(c * wholeSide + y) * wholeSide + x] - part[(c * partSide + y) * partSide + x]);
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
    float[] image = decode(gaussian(12, 4 * SIDE * SIDE), SIDE);
    long within = 0;
    for (float value : image) {
      within += Math.abs(value) <= 1 ? 1 : 0;
    }
    assertTrue(within >= 0.95 * image.length, "only " + within + " of " + image.length + " within [-1, 1]");
    assertTrue(rms(image) > 0.1, "not a flat grey: rms " + rms(image));
  }

  @Test
  void flatLatentsOfDifferentValuesGiveDifferentColours() throws OrtException {
    float[] plus = new float[4 * SIDE * SIDE];
    Arrays.fill(plus, 1f);
    float[] minus = new float[4 * SIDE * SIDE];
    Arrays.fill(minus, -1f);
    double[] plusColour = meanColour(decode(plus, SIDE));
    double[] minusColour = meanColour(decode(minus, SIDE));
    double distance = 0;
    for (int c = 0; c < 3; c++) {
      distance = Math.max(distance, Math.abs(plusColour[c] - minusColour[c]));
    }
    assertTrue(distance > 0.1, "mean colours differ by " + distance);
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
