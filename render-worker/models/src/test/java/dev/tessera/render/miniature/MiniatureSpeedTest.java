package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OrtTestTensors.allFinite;
import static dev.tessera.render.miniature.OrtTestTensors.floats;
import static dev.tessera.render.miniature.OrtTestTensors.gaussian;
import static dev.tessera.render.miniature.OrtTestTensors.inputInfo;
import static dev.tessera.render.miniature.OrtTestTensors.open;
import static dev.tessera.render.miniature.OrtTestTensors.read;
import static dev.tessera.render.miniature.OrtTestTensors.timestep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, never asserts) the cost of the calls a 512×512, 20-step guided render makes, so
 * the "few seconds per render on two cores" budget can be checked: one UNet call at batch 2 on
 * 64×64 latents and one 64×64 decode.
 */
class MiniatureSpeedTest {
  private static final int LATENT = 64;
  private static final int REPEATS = 5;

  @Test
  void printsTheCostOfARenderAtFullSize(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    MiniatureBundle.write(MiniatureKind.SD2, false, dir, null);
    double writeMs = millisSince(started);

    try (OrtSession unet = open(dir.resolve("unet/model.onnx"));
        OrtSession decoder = open(dir.resolve("vae_decoder/model.onnx"))) {
      float[] latents = gaussian(21, 2 * 4 * LATENT * LATENT);
      float[] context = gaussian(22, 2 * 77 * 64);
      try (OnnxTensor sample = floats(inputInfo(unet, "sample"), latents, 2, 4, LATENT, LATENT);
          OnnxTensor time = timestep(inputInfo(unet, "timestep"), 500);
          OnnxTensor hidden =
              floats(inputInfo(unet, "encoder_hidden_states"), context, 2, 77, 64)) {
        Map<String, OnnxTensor> inputs =
            Map.of("sample", sample, "timestep", time, "encoder_hidden_states", hidden);
        double unetMs =
            averageMillis(
                () -> {
                  try (OrtSession.Result result = unet.run(inputs)) {
                    OnnxTensor out = (OnnxTensor) result.get(0);
                    assertArrayEquals(new long[] {2, 4, LATENT, LATENT}, out.getInfo().getShape());
                    assertTrue(allFinite(read(out)));
                  }
                });

        try (OnnxTensor latent =
            floats(
                inputInfo(decoder, "latent_sample"),
                gaussian(23, 4 * LATENT * LATENT),
                1,
                4,
                LATENT,
                LATENT)) {
          double decodeMs =
              averageMillis(
                  () -> {
                    try (OrtSession.Result result = decoder.run(Map.of("latent_sample", latent))) {
                      assertArrayEquals(
                          new long[] {1, 3, 8 * LATENT, 8 * LATENT},
                          ((OnnxTensor) result.get(0)).getInfo().getShape());
                    }
                  });
          System.out.printf(
              "miniature sd2: bundle written in %.0f ms; UNet batch 2 at %dx%d latents %.1f ms/call; "
                  + "VAE decode to %dx%d %.1f ms; 20-step render ≈ %.0f ms%n",
              writeMs,
              LATENT,
              LATENT,
              unetMs,
              8 * LATENT,
              8 * LATENT,
              decodeMs,
              20 * unetMs + decodeMs);
        }
      }
    }
  }

  private interface Call {
    void run() throws OrtException;
  }

  /** Average over {@value #REPEATS} calls after one warm-up call. */
  private static double averageMillis(Call call) throws OrtException {
    call.run();
    long started = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) {
      call.run();
    }
    return millisSince(started) / REPEATS;
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }
}
