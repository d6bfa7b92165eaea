package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.Tiling;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Several x4 UNet tiles (each with both guidance halves) in one call give the image that one tile
 * at a time gives, to float tolerance; on the untrained miniature x4 bundle, whose UNet export has
 * a dynamic batch.
 */
class X4TileBatchTest {
  private static final Tiling UNET_TILES = new Tiling(48, 16);
  private static final Tiling DECODE_TILES = new Tiling(64, 16);

  private static Upscaled upscale(int tileBatch, double guidance) throws IOException {
    try (X4Upscaler x4 =
        X4Upscaler.open(
            MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false),
            EngineOptions.defaults(),
            new X4Options(UNET_TILES, TileBlend.GAUSSIAN, DECODE_TILES, tileBatch))) {
      RgbImage image = TestImages.smooth(112, 80);
      return x4.upscale(
          image,
          TargetSize.of(112, 80, 448),
          new UpscaleSettings("a harbour at dawn", "", 5, 2, guidance, 20),
          RenderListener.NONE,
          new CancelToken());
    }
  }

  private static int maxDiff(RgbImage a, RgbImage b) {
    int worst = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      worst = Math.max(worst, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
    }
    return worst;
  }

  @Test
  void batchedTilesGiveTheImageOfOneTileAtATime() throws IOException {
    for (double guidance : new double[] {9, 1}) {
      Upscaled one = upscale(1, guidance);
      assertEquals(6, one.tiles());
      assertTrue(!one.detail().contains("a call"), one.detail());
      for (int batch : new int[] {4, X4Options.AUTO}) {
        Upscaled batched = upscale(batch, guidance);
        int worst = maxDiff(one.image(), batched.image());
        System.out.printf(
            "x4 tile batch %s, guidance %.0f: %s; largest difference to one tile a call %d/255%n",
            batch == X4Options.AUTO ? "auto" : Integer.toString(batch),
            guidance,
            batched.detail(),
            worst);
        assertTrue(worst <= 1, "batch " + batch + ": largest difference " + worst);
        assertTrue(
            batched.detail().contains((batch == 4 ? 4 : 6) + " tiles a call"), batched.detail());
      }
    }
  }
}
