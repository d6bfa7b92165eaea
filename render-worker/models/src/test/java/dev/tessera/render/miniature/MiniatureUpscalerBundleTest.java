package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.allFinite;
import static dev.tessera.render.miniature.OrtTestTensors.floats;
import static dev.tessera.render.miniature.OrtTestTensors.gaussian;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.ints;
import static dev.tessera.render.miniature.OrtTestTensors.maxAbsDifference;
import static dev.tessera.render.miniature.OrtTestTensors.open;
import static dev.tessera.render.miniature.OrtTestTensors.outputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.render.schedule.BetaSchedule;
import dev.tessera.render.schedule.PredictionType;
import dev.tessera.render.schedule.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The x4 upscaler and sr miniatures: reproducible bytes, the real layouts and configs, and each
 * model's contract.
 */
class MiniatureUpscalerBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Path x4;
  private static Path sr;

  @BeforeAll
  static void write() throws IOException {
    x4 = dir.resolve("x4");
    sr = dir.resolve("sr");
    MiniatureBundle.write(MiniatureKind.X4_UPSCALER, false, x4, null);
    MiniatureBundle.write(MiniatureKind.SR, false, sr, null);
  }

  @ParameterizedTest
  @EnumSource(
      value = MiniatureKind.class,
      names = {"X4_UPSCALER", "SR"})
  void sameArgumentsGiveIdenticalBytes(MiniatureKind kind, @TempDir Path again) throws IOException {
    Path first = kind == MiniatureKind.SR ? sr : x4;
    MiniatureBundle.write(kind, false, again, null);
    List<Path> files = relativeFiles(first);
    assertEquals(files, relativeFiles(again));
    for (Path file : files) {
      assertEquals(-1L, Files.mismatch(first.resolve(file), again.resolve(file)), file.toString());
    }
  }

  private static List<Path> relativeFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  @Test
  void x4HasTheLayoutAndConfigsOfTheRealUpscaler() throws IOException {
    for (String file :
        List.of(
            "model_index.json",
            "scheduler/scheduler_config.json",
            "low_res_scheduler/scheduler_config.json",
            "tokenizer/vocab.json",
            "tokenizer/merges.txt",
            "text_encoder/model.onnx",
            "unet/model.onnx",
            "unet/config.json",
            "vae_decoder/model.onnx",
            "vae_decoder/config.json")) {
      assertTrue(Files.isRegularFile(x4.resolve(file)), file);
    }
    assertTrue(Files.notExists(x4.resolve("vae_encoder")));
    JsonNode index = JSON.readTree(x4.resolve("model_index.json").toFile());
    assertEquals(MiniatureBundle.DISCLAIMER, index.get("_tessera_miniature").asText());
    assertEquals(350, index.get("max_noise_level").asInt());

    SchedulerConfig denoising = SchedulerConfig.read(x4.resolve("scheduler/scheduler_config.json"));
    assertEquals("DDIMScheduler", denoising.className());
    assertEquals(PredictionType.V_PREDICTION, denoising.predictionType());
    assertEquals(BetaSchedule.SCALED_LINEAR, denoising.betaSchedule());
    assertEquals(0.0001, denoising.betaStart());
    assertEquals(0.02, denoising.betaEnd());
    assertEquals(1, denoising.stepsOffset());
    SchedulerConfig lowRes =
        SchedulerConfig.read(x4.resolve("low_res_scheduler/scheduler_config.json"));
    assertEquals("DDPMScheduler", lowRes.className());
    assertEquals(BetaSchedule.SCALED_LINEAR, lowRes.betaSchedule());
    assertEquals(1000, lowRes.numTrainTimesteps());

    assertTrue(
        Files.readString(x4.resolve("vae_decoder/config.json"))
            .contains("\"scaling_factor\": 0.08333"));
    assertEquals(
        7, JSON.readTree(x4.resolve("unet/config.json").toFile()).get("in_channels").asInt());
    assertTrue(Files.readString(sr.resolve("miniature.json")).contains(MiniatureBundle.DISCLAIMER));
  }

  @Test
  void x4UnetTakesLatentsLowResImageAndNoiseLevel() throws OrtException {
    try (OrtSession unet = open(x4.resolve("unet/model.onnx"))) {
      assertEquals(
          List.of("sample", "timestep", "encoder_hidden_states", "class_labels"),
          List.copyOf(unet.getInputNames()));
      TensorInfo sample = inputInfo(unet, "sample");
      assertArrayEquals(new long[] {-1, 7, -1, -1}, sample.getShape());
      TensorInfo labels = inputInfo(unet, "class_labels");
      assertEquals(OnnxJavaType.INT64, labels.type);
      assertArrayEquals(new long[] {-1}, labels.getShape());
      assertArrayEquals(new long[] {-1, 4, -1, -1}, outputInfo(unet, "out_sample").getShape());

      float[] at20 = predict(unet, 20);
      assertEquals(2 * 4 * 16 * 16, at20.length);
      assertTrue(allFinite(at20));
      assertTrue(
          maxAbsDifference(at20, predict(unet, 300)) > 1e-3,
          "the noise level conditions the output");
    }
  }

  private static float[] predict(OrtSession unet, long noiseLevel) throws OrtException {
    TensorInfo sample = inputInfo(unet, "sample");
    try (OnnxTensor x = floats(sample, gaussian(1, 2 * 7 * 16 * 16), 2, 7, 16, 16);
        OnnxTensor t = floats(inputInfo(unet, "timestep"), new float[] {501, 501}, 2);
        OnnxTensor text = floats(sample, gaussian(2, 2 * 77 * 64), 2, 77, 64);
        OnnxTensor labels =
            ints(inputInfo(unet, "class_labels"), new long[] {noiseLevel, noiseLevel}, 2);
        OrtSession.Result out =
            unet.run(
                Map.of(
                    "sample",
                    x,
                    "timestep",
                    t,
                    "encoder_hidden_states",
                    text,
                    "class_labels",
                    labels))) {
      return read((OnnxTensor) out.get(0));
    }
  }

  /**
   * ×4 output, and a crop decodes to the same pixels away from its border (what tiled decoding
   * relies on).
   */
  @Test
  void x4DecoderUpscalesFourTimesWithALocalReceptiveField() throws OrtException {
    int side = 24;
    int crop = 16;
    float[] latents = gaussian(3, 4 * side * side);
    for (int i = 0; i < latents.length; i++) {
      latents[i] /= 0.08333f;
    }
    float[] part = new float[4 * crop * crop];
    for (int c = 0; c < 4; c++) {
      for (int y = 0; y < crop; y++) {
        System.arraycopy(latents, (c * side + y) * side, part, (c * crop + y) * crop, crop);
      }
    }
    try (OrtSession decoder = open(x4.resolve("vae_decoder/model.onnx"))) {
      float[] whole = decode(decoder, latents, side);
      float[] cropped = decode(decoder, part, crop);
      assertEquals(3 * 4 * side * 4 * side, whole.length);
      int big = 4 * side;
      int small = 4 * crop;
      double maxDiff = 0;
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < small - 24; y++) {
          for (int x = 0; x < small - 24; x++) {
            maxDiff =
                Math.max(
                    maxDiff,
                    Math.abs(
                        whole[(c * big + y) * big + x] - cropped[(c * small + y) * small + x]));
          }
        }
      }
      assertTrue(maxDiff < 1e-4, "crop differs by " + maxDiff);
    }
  }

  private static float[] decode(OrtSession decoder, float[] latents, int side) throws OrtException {
    try (OnnxTensor x = floats(inputInfo(decoder, "latent_sample"), latents, 1, 4, side, side);
        OrtSession.Result out = decoder.run(Map.of("latent_sample", x))) {
      return read((OnnxTensor) out.get(0));
    }
  }

  @Test
  void srMapsAnImageToFourTimesItsSizeNearItsBilinearUpsample() throws OrtException {
    int h = 10;
    int w = 12;
    float[] image = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          image[(c * h + y) * w + x] = 0.5f + 0.3f * (float) Math.sin(0.3 * x + 0.2 * y + c);
        }
      }
    }
    try (OrtSession model = open(sr.resolve("model.onnx"))) {
      TensorInfo input = inputInfo(model, "input");
      assertArrayEquals(new long[] {-1, 3, -1, -1}, input.getShape());
      try (OnnxTensor tensor = floats(input, image, 1, 3, h, w);
          OrtSession.Result out = model.run(Map.of("input", tensor))) {
        OnnxTensor output = (OnnxTensor) out.get("output").orElseThrow();
        assertArrayEquals(new long[] {1, 3, 4 * h, 4 * w}, output.getInfo().getShape());
        float[] up = read(output);
        // the mean colour of each 4×4 output block stays near its input pixel
        double worst = 0;
        for (int c = 0; c < 3; c++) {
          for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
              double mean = 0;
              for (int dy = 0; dy < 4; dy++) {
                for (int dx = 0; dx < 4; dx++) {
                  mean += up[(c * 4 * h + 4 * y + dy) * 4 * w + 4 * x + dx] / 16;
                }
              }
              worst = Math.max(worst, Math.abs(mean - image[(c * h + y) * w + x]));
            }
          }
        }
        assertTrue(worst < 0.15, "block mean off by " + worst);
      }
    }
  }
}
