package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Tiling;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the upscaler of a mode. Stateless. */
public final class Upscalers {
  private Upscalers() {}

  /**
   * Opens the upscaler for {@code mode}, loading its model once; the caller owns and closes it.
   *
   * @param model the x4 bundle directory, or the sr model ({@code .onnx} file or directory with
   *     {@code model.onnx}); ignored (may be null) for lanczos
   * @throws IllegalArgumentException when a model is needed but {@code model} is null, or the model
   *     does not fit
   * @throws IOException when the model is missing, incomplete or cannot be loaded
   */
  public static Upscaler open(UpscaleMode mode, Path model, EngineOptions options)
      throws IOException {
    return open(mode, model, options, X4Options.defaults(), SrUpscaler.DEFAULT_TILING);
  }

  /**
   * As {@link #open(UpscaleMode, Path, EngineOptions)}, with the x4 upscaler's tiling and tile
   * batch and the sr model's tiles given.
   */
  public static Upscaler open(
      UpscaleMode mode, Path model, EngineOptions options, X4Options x4, Tiling srTiles)
      throws IOException {
    if (mode.needsModel() && model == null) {
      throw new IllegalArgumentException("upscale mode " + mode.cliName() + " needs a model");
    }
    return switch (mode) {
      case X4 -> X4Upscaler.open(model, options, x4);
      case SR -> SrUpscaler.open(model, options, srTiles);
      case LANCZOS -> new LanczosUpscaler();
    };
  }
}
