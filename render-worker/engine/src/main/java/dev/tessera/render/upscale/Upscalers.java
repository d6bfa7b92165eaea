package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.EngineOptions;
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
    if (mode.needsModel() && model == null) {
      throw new IllegalArgumentException("upscale mode " + mode.cliName() + " needs a model");
    }
    return switch (mode) {
      case X4 -> X4Upscaler.open(model, options, X4Options.defaults());
      case SR -> SrUpscaler.open(model, options, SrUpscaler.DEFAULT_TILING);
      case LANCZOS -> new LanczosUpscaler();
    };
  }
}
