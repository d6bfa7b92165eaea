package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.OnnxSessions;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.Renderer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every engine object that owns sessions says so when used after {@link AutoCloseable#close()}, as
 * ONNX Runtime's {@code OrtSession} does, instead of failing somewhere inside; and closing twice is
 * harmless.
 */
class UseAfterCloseTest {
  private static final RgbImage IMAGE = TestImages.smooth(64, 64);
  private static final TargetSize TARGET = TargetSize.of(64, 64, 256);
  private static final UpscaleSettings SETTINGS = UpscaleSettings.of("a prompt", "", 1);

  private static void assertLoud(String message, Executable use) {
    IllegalStateException e = assertThrows(IllegalStateException.class, use);
    assertEquals(message, e.getMessage());
  }

  @Test
  void aClosedRendererSaysSo() throws Exception {
    Renderer renderer =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
    renderer.close();
    renderer.close();
    RenderSettings settings = new RenderSettings("a prompt", "", 1, 2, 7, "euler", false, 64, 64);
    assertLoud(
        "renderer is closed",
        () -> renderer.render(RenderRequest.of(settings), RenderListener.NONE, new CancelToken()));
  }

  @Test
  void closedUpscalersSaySo() throws Exception {
    Upscaler x4 =
        X4Upscaler.open(
            MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false),
            EngineOptions.defaults(),
            X4Options.defaults());
    Upscaler sr =
        SrUpscaler.open(
            MiniatureFixtures.bundle(MiniatureKind.SR, false),
            EngineOptions.defaults(),
            SrUpscaler.DEFAULT_TILING);
    Upscaler lanczos = new LanczosUpscaler();
    for (Upscaler upscaler : new Upscaler[] {x4, sr, lanczos}) {
      upscaler.close();
      upscaler.close();
      assertLoud(
          upscaler.mode().cliName() + " upscaler is closed",
          () -> upscaler.upscale(IMAGE, TARGET, SETTINGS, RenderListener.NONE, new CancelToken()));
    }
  }

  @Test
  void closedSessionsAndModelsSaySo() throws Exception {
    OnnxSessions sessions = new OnnxSessions("test", ExecutionProvider.Preference.CPU, 0, 1);
    OnnxModel model =
        sessions.load(
            MiniatureFixtures.bundle(MiniatureKind.SR, false).resolve("model.onnx"), "sr model");
    sessions.close();
    sessions.close();
    assertLoud(
        "sessions are closed",
        () ->
            sessions.load(
                MiniatureFixtures.bundle(MiniatureKind.SR, false).resolve("model.onnx"),
                "sr model"));
    assertLoud("sr model: the model's session is closed", () -> model.run(Map.of(), null));
  }
}
