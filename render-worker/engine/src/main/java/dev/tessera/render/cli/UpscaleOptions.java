package dev.tessera.render.cli;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.render.upscale.UpscaleSettings;
import dev.tessera.render.upscale.Upscaler;
import dev.tessera.render.upscale.Upscalers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The upscale options of {@code render}: {@code --upscale x4|sr|lanczos}, {@code --upscaler DIR},
 * {@code --target N} (default {@value TargetSize#DEFAULT}) and, for x4, {@code --noise-level},
 * {@code --upscale-steps}, {@code --upscale-guidance}. Checked before anything is rendered, each
 * problem named by its option.
 */
final class UpscaleOptions {
  private static final List<String> X4_ONLY =
      List.of("noise-level", "upscale-steps", "upscale-guidance");

  private final String modeText;
  private final String upscaler;
  private final List<String> given;
  private final int target;
  private final int steps;
  private final double guidance;
  private final int noiseLevel;

  /**
   * Reads the options, marking them known to {@code args}.
   *
   * @throws UsageException when a number does not parse
   */
  UpscaleOptions(Args args) {
    this.modeText = args.string("upscale", null);
    this.upscaler = args.string("upscaler", null);
    this.given =
        Stream.concat(Stream.of("upscaler", "target"), X4_ONLY.stream())
            .filter(name -> args.string(name, null) != null)
            .toList();
    this.target = args.integer("target", TargetSize.DEFAULT);
    this.steps = args.integer("upscale-steps", UpscaleSettings.DEFAULT_STEPS);
    this.guidance = args.decimal("upscale-guidance", UpscaleSettings.DEFAULT_GUIDANCE);
    this.noiseLevel = args.integer("noise-level", UpscaleSettings.DEFAULT_NOISE_LEVEL);
  }

  /**
   * The upscale asked for, or null when the render is delivered at its own size.
   *
   * @throws UsageException naming the option that is missing, stray or out of range
   */
  Plan plan(RenderSettings render) {
    if (modeText == null) {
      if (!given.isEmpty()) {
        throw new UsageException("--" + given.get(0) + " needs --upscale x4|sr|lanczos");
      }
      return null;
    }
    UpscaleMode mode;
    try {
      mode = UpscaleMode.parse(modeText);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--upscale: " + e.getMessage());
    }
    if (mode.needsModel() && upscaler == null) {
      throw new UsageException(
          "--upscale "
              + mode.cliName()
              + " needs --upscaler "
              + (mode == UpscaleMode.X4
                  ? "DIR (a Stable Diffusion x4 upscaler bundle)"
                  : "MODEL (an .onnx file or a directory with model.onnx)"));
    }
    if (!mode.needsModel() && upscaler != null) {
      throw new UsageException("--upscaler is not used by --upscale " + mode.cliName());
    }
    if (mode != UpscaleMode.X4) {
      given.stream()
          .filter(X4_ONLY::contains)
          .findFirst()
          .ifPresent(
              name -> {
                throw new UsageException("--" + name + " is for --upscale x4 only");
              });
    }
    TargetSize size;
    try {
      size = TargetSize.of(render.width(), render.height(), target);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--target: " + e.getMessage());
    }
    UpscaleSettings settings =
        new UpscaleSettings(
            render.prompt(), render.negativePrompt(), render.seed(), steps, guidance, noiseLevel);
    return new Plan(mode, upscaler == null ? null : Path.of(upscaler), size, settings);
  }

  /** A checked upscale request: what to open and what to ask of it. */
  record Plan(UpscaleMode mode, Path model, TargetSize target, UpscaleSettings settings) {
    /**
     * Opens the upscaler and checks the settings against it; the caller closes it.
     *
     * @throws IllegalArgumentException naming a setting or model property that does not fit
     */
    Upscaler open(EngineOptions options) throws IOException {
      Upscaler upscaler = Upscalers.open(mode, model, options);
      try {
        upscaler.check(settings);
        return upscaler;
      } catch (RuntimeException e) {
        upscaler.close();
        throw e;
      }
    }
  }
}
