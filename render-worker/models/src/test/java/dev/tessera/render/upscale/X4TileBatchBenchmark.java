package dev.tessera.render.upscale;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import java.io.IOException;
import java.util.Locale;

/**
 * The x4 upscale of a 512×512 image to 2048×2048 (25 UNet tiles of 128, guidance 9, 4 steps) with
 * 1, 2, 4 and 8 tiles a UNet call, on the untrained miniature x4 bundle, best of 3 after a warm-up;
 * prints the times and each one's ratio to one tile a call. Run with {@code ./mvnw -q -B -Pbench
 * -DskipTests -pl render-worker/models -am verify
 * -Dbench=dev.tessera.render.upscale.X4TileBatchBenchmark}.
 */
public final class X4TileBatchBenchmark {
  private static final int STEPS = 4;

  private X4TileBatchBenchmark() {}

  public static void main(String[] args) throws IOException {
    RgbImage image = TestImages.smooth(512, 512);
    TargetSize target = TargetSize.of(512, 512, 2048);
    UpscaleSettings settings = new UpscaleSettings("a harbour at dawn", "", 1, STEPS, 9, 20);
    System.out.printf(
        "x4 upscale 512x512 -> 2048x2048, 25 tiles of 128, %d steps, guidance 9, miniature x4"
            + " bundle, %d CPU cores (best of 3 after a warm-up):%n",
        STEPS, Runtime.getRuntime().availableProcessors());
    double single = 0;
    for (int batch : new int[] {1, 2, 4, 8}) {
      try (X4Upscaler x4 =
          X4Upscaler.open(
              MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false),
              EngineOptions.defaults(),
              X4Options.defaults().withTileBatch(batch))) {
        x4.upscale(image, target, settings, RenderListener.NONE, new CancelToken());
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          x4.upscale(image, target, settings, RenderListener.NONE, new CancelToken());
          best = Math.min(best, System.nanoTime() - t0);
        }
        double ms = best / 1e6;
        if (batch == 1) {
          single = ms;
        }
        System.out.printf(
            Locale.ROOT,
            "  %d tile%s a call  %8.1f ms  ratio to 1 tile a call %.3f%n",
            batch,
            batch == 1 ? " " : "s",
            ms,
            ms / single);
      }
    }
  }
}
