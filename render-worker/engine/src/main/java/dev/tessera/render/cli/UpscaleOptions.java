package dev.tessera.render.cli;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.upscale.SrUpscaler;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.render.upscale.UpscaleSettings;
import dev.tessera.render.upscale.Upscaler;
import dev.tessera.render.upscale.Upscalers;
import dev.tessera.render.upscale.X4Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The upscale options of {@code render} and {@code upscale}: {@code --upscale x4|sr|lanczos},
 * {@code --upscaler DIR}, {@code --target N} (default {@value TargetSize#DEFAULT}); for x4, {@code
 * --noise-level}, {@code --upscale-steps}, {@code --upscale-guidance} and {@code --tile-batch
 * N|auto}; for sr, {@code --tile N} and {@code --overlap N}. Checked before anything is rendered,
 * each problem named by its option.
 */
final class UpscaleOptions {
  private static final List<String> X4_ONLY =
      List.of("noise-level", "upscale-steps", "upscale-guidance", "tile-batch");
  private static final List<String> SR_ONLY = List.of("tile", "overlap");

  private final String modeText;
  private final String upscaler;
  private final List<String> given;
  private final int target;
  private final int steps;
  private final double guidance;
  private final int noiseLevel;
  private final int tileBatch;
  private final int tile;
  private final int overlap;

  /**
   * Reads the options, marking them known to {@code args}.
   *
   * @throws UsageException when a number does not parse
   */
  UpscaleOptions(Args args) {
    this.modeText = args.string("upscale", null);
    this.upscaler = args.string("upscaler", null);
    this.given =
        Stream.of(Stream.of("upscaler", "target"), X4_ONLY.stream(), SR_ONLY.stream())
            .flatMap(s -> s)
            .filter(name -> args.string(name, null) != null)
            .toList();
    this.target = args.integer("target", TargetSize.DEFAULT);
    this.steps = args.integer("upscale-steps", UpscaleSettings.DEFAULT_STEPS);
    this.guidance = args.decimal("upscale-guidance", UpscaleSettings.DEFAULT_GUIDANCE);
    this.noiseLevel = args.integer("noise-level", UpscaleSettings.DEFAULT_NOISE_LEVEL);
    this.tileBatch =
        "auto".equals(args.string("tile-batch", null))
            ? X4Options.AUTO
            : args.integer("tile-batch", X4Options.AUTO);
    this.tile = args.integer("tile", SrUpscaler.DEFAULT_TILING.size());
    this.overlap = args.integer("overlap", SrUpscaler.DEFAULT_TILING.overlap());
  }

  /**
   * The upscale asked for, or null when the render is delivered at its own size.
   *
   * @throws UsageException naming the option that is missing, stray or out of range
   */
  Plan plan(RenderSettings render) {
    return plan(
        render.width(), render.height(), render.prompt(), render.negativePrompt(), render.seed());
  }

  /**
   * The upscale asked for of a {@code width × height} image, with the prompts and seed the x4
   * upscaler is given; null when none is asked for.
   *
   * @throws UsageException naming the option that is missing, stray or out of range
   */
  Plan plan(int width, int height, String prompt, String negativePrompt, long seed) {
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
    onlyFor(mode, UpscaleMode.X4, X4_ONLY);
    onlyFor(mode, UpscaleMode.SR, SR_ONLY);
    TargetSize size;
    try {
      size = TargetSize.of(width, height, target);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--target: " + e.getMessage());
    }
    X4Options x4;
    Tiling srTiles;
    try {
      x4 = X4Options.defaults().withTileBatch(tileBatch);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--tile-batch: " + e.getMessage());
    }
    try {
      srTiles = new Tiling(tile, overlap);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--tile/--overlap: " + e.getMessage());
    }
    UpscaleSettings settings =
        new UpscaleSettings(prompt, negativePrompt, seed, steps, guidance, noiseLevel);
    return new Plan(mode, upscaler == null ? null : Path.of(upscaler), size, settings, x4, srTiles);
  }

  /** Rejects the first option of {@code names} given with a mode other than {@code owner}. */
  private void onlyFor(UpscaleMode mode, UpscaleMode owner, List<String> names) {
    if (mode != owner) {
      given.stream()
          .filter(names::contains)
          .findFirst()
          .ifPresent(
              name -> {
                throw new UsageException(
                    "--" + name + " is for --upscale " + owner.cliName() + " only");
              });
    }
  }

  /** A checked upscale request: what to open and what to ask of it. */
  record Plan(
      UpscaleMode mode,
      Path model,
      TargetSize target,
      UpscaleSettings settings,
      X4Options x4,
      Tiling srTiles) {
    /**
     * Opens the upscaler and checks the settings against it; the caller closes it.
     *
     * @throws IllegalArgumentException naming a setting or model property that does not fit
     */
    Upscaler open(EngineOptions options) throws IOException {
      Upscaler upscaler = Upscalers.open(mode, model, options, x4, srTiles);
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
