package dev.tessera.render.cli;

import dev.tessera.render.image.ImageFiles;
import dev.tessera.render.image.PngWriter;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.upscale.Upscaled;
import dev.tessera.render.upscale.Upscaler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code upscale --in IMAGE --upscale x4|sr|lanczos [--upscaler FILE|DIR] [--target N] --out
 * FILE.png}: the worker's tiled upscale path on any PNG or JPEG, with no render before it. Prints
 * the time and the milliseconds per megapixel of output.
 */
final class UpscaleCommand {
  private UpscaleCommand() {}

  static void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of());
    Path in = args.path("in");
    String prompt = args.string("prompt", "");
    String negative = args.string("negative", "");
    long seed = args.longValue("seed", 0);
    EngineOptions options =
        EngineOptions.defaults()
            .withDevice(
                ExecutionProvider.Preference.parse(args.string("device", "auto")),
                args.integer("cuda-device", 0),
                args.integer("threads", 0));
    UpscaleOptions upscaleOptions = new UpscaleOptions(args);
    Path target = args.path("out");
    args.finish();
    if (!target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new UsageException("--out: must name a .png file, got " + target);
    }
    RgbImage image;
    try {
      image = ImageFiles.read(in);
    } catch (IOException e) {
      throw new UsageException("--in: " + e.getMessage());
    }
    UpscaleOptions.Plan plan =
        upscaleOptions.plan(image.width(), image.height(), prompt, negative, seed);
    if (plan == null) {
      throw new UsageException("--upscale x4|sr|lanczos is required");
    }
    try (Upscaler upscaler = plan.open(options)) {
      if (upscaler.isMiniature()) {
        err.println(
            "note: "
                + plan.model()
                + " is an untrained miniature upscaler: it proves the pipeline, not the pictures");
      }
      long t0 = System.nanoTime();
      Upscaled upscaled =
          upscaler.upscale(
              image, plan.target(), plan.settings(), RenderListener.NONE, new CancelToken());
      double millis = (System.nanoTime() - t0) / 1e6;
      RgbImage result = upscaled.image();
      double megapixels = result.width() * (double) result.height() / 1e6;
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      PngWriter.write(result, Map.of("parameters", upscaled.parameters()), target);
      out.printf(
          Locale.ROOT,
          "upscale %.1f ms (%s); %.0f ms per megapixel out%n",
          millis,
          upscaled.detail(),
          millis / megapixels);
      out.println(
          "wrote "
              + target
              + " ("
              + result.width()
              + "x"
              + result.height()
              + " from "
              + image.width()
              + "x"
              + image.height()
              + ")");
    }
  }
}
