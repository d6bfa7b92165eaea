package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.noise.TorchNoise;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxSessions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The tiled VAE decode on the miniature bundles' decoders (untrained: pipeline, not pictures):
 * Stable Diffusion's ×8 decoder and the x4 upscaler's ×4 decoder, through the one tiled pass.
 */
class VaeDecoderTest {
  private static final Tiling TILES = new Tiling(32, 16);

  /** 96 latents: five 32-latent tiles along each axis, 25 in all. */
  private static final int SIDE = 96;

  /** Pixels per latent of the x4 upscaler's decoder. */
  private static final int X4_SCALE = 4;

  private static String shape(PlanarImage image) {
    return image.channels() + "x" + image.height() + "x" + image.width();
  }

  private static PlanarImage latents() {
    return new PlanarImage(new TorchNoise(5).randn(4 * SIDE * SIDE), 4, SIDE, SIDE);
  }

  private static OnnxSessions sessions() throws Exception {
    return new OnnxSessions("decoder test", ExecutionProvider.Preference.CPU, 0, 0);
  }

  private static VaeDecoder decoder(OnnxSessions sessions, MiniatureKind kind, int scale)
      throws Exception {
    Path bundle = MiniatureFixtures.bundle(kind, false);
    return new VaeDecoder(
        sessions.env(),
        sessions.load(bundle.resolve("vae_decoder/model.onnx"), kind.cliName()),
        ModelBundle.open(bundle).scalingFactor(),
        scale,
        TILES);
  }

  @Test
  void decodesInTilesToScaleTimesTheLatents() throws Exception {
    try (OnnxSessions sessions = sessions()) {
      TiledPass.Output sd =
          decoder(sessions, MiniatureKind.SD2, VaeDecoder.SD_SCALE)
              .decode(latents(), new CancelToken(), null);
      assertEquals(25, sd.tiles());
      assertEquals("3x768x768", shape(sd.image()));
      TiledPass.Output x4 =
          decoder(sessions, MiniatureKind.X4_UPSCALER, X4_SCALE)
              .decode(latents(), new CancelToken(), null);
      assertEquals(25, x4.tiles());
      assertEquals("3x384x384", shape(x4.image()));
    }
  }

  /**
   * A cancel that arrives while a tile is being decoded stops the decode before the next tile. The
   * decode runs with run options that the token does not know, so no session run is terminated:
   * only the pass's check between tiles can stop it. The cancel comes once the decoding thread is
   * inside a session run, that is, during a tile.
   */
  @Test
  void aCancelBetweenTilesStopsTheSdAndTheX4Decode() throws Exception {
    try (OnnxSessions sessions = sessions()) {
      VaeDecoder sd = decoder(sessions, MiniatureKind.SD2, VaeDecoder.SD_SCALE);
      VaeDecoder x4 = decoder(sessions, MiniatureKind.X4_UPSCALER, X4_SCALE);
      for (VaeDecoder decoder : List.of(sd, x4)) {
        Throwable stopped = decodeCancelledDuringATile(decoder);
        assertNotNull(stopped, "the decode ran to the end");
        assertInstanceOf(RenderCancelledException.class, stopped);
      }
    }
  }

  /** What the decode threw, or null when it finished. */
  private static Throwable decodeCancelledDuringATile(VaeDecoder decoder)
      throws InterruptedException {
    CancelToken cancel = new CancelToken();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread decoding =
        new Thread(
            () -> {
              try {
                decoder.decode(latents(), cancel, null);
              } catch (Throwable t) {
                thrown.set(t);
              }
            },
            "decode");
    decoding.start();
    while (decoding.isAlive() && !inSessionRun(decoding)) {
      Thread.onSpinWait();
    }
    cancel.cancel();
    decoding.join(60_000);
    assertFalse(decoding.isAlive(), "the decode stopped");
    return thrown.get();
  }

  private static boolean inSessionRun(Thread thread) {
    return Arrays.stream(thread.getStackTrace())
        .anyMatch(
            f ->
                f.getClassName().equals("ai.onnxruntime.OrtSession")
                    && f.getMethodName().equals("run"));
  }
}
