package dev.tessera.render.cli;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import dev.tessera.render.image.PngWriter;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.lora.LoraLibrary;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.RenderResult;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.schedule.Spacing;
import dev.tessera.render.upscale.Upscaled;
import dev.tessera.render.upscale.Upscaler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * {@code render ... --out FILE.png}: renders one image, upscales it when {@code --upscale} asks,
 * prints per-stage timings, writes the PNG.
 */
final class RenderCommand {
  private RenderCommand() {}

  /** Maps the API's field names to this command's options, so problems name what the user typed. */
  private static final Map<String, String> OPTION_OF_FIELD =
      Map.of("negative_prompt", "negative", "karras", "karras");

  static void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of("karras"));
    String modelText = args.string("model", null);
    RenderSettings defaults = RenderSettings.of("");
    RenderSettings settings =
        new RenderSettings(
            args.required("prompt"),
            args.string("negative", ""),
            args.longValue("seed", defaults.seed()),
            args.integer("steps", defaults.steps()),
            args.decimal("guidance", defaults.guidance()),
            args.string("scheduler", defaults.scheduler()),
            args.flag("karras"),
            args.integer("width", defaults.width()),
            args.integer("height", defaults.height()),
            loras(args.strings("lora")));
    String loraDir = args.string("lora-dir", System.getenv("TESSERA_LORA_DIR"));
    String spacingText = args.string("spacing", null);
    String initPath = args.string("init", null);
    double strength = args.decimal("strength", 0.8);
    boolean strengthGiven = args.string("strength", null) != null;
    EngineOptions options =
        new EngineOptions(
            ExecutionProvider.Preference.parse(args.string("device", "auto")),
            args.integer("cuda-device", 0),
            args.integer("threads", 0),
            EngineOptions.defaults().decodeTile(),
            EngineOptions.defaults().decodeOverlap());
    UpscaleOptions upscaleOptions = new UpscaleOptions(args);
    Path target = args.path("out");
    args.finish();
    Path model = modelText != null ? Path.of(modelText) : defaultBundle(err);

    List<FieldProblem> problems = settings.problems();
    if (!problems.isEmpty()) {
      FieldProblem p = problems.get(0);
      if (p.field().startsWith("loras")) {
        throw new UsageException("--lora: " + p.field() + ": " + p.detail());
      }
      throw new UsageException(
          "--" + OPTION_OF_FIELD.getOrDefault(p.field(), p.field()) + ": " + p.detail());
    }
    if (!settings.loras().isEmpty() && loraDir == null) {
      throw new UsageException("--lora needs --lora-dir DIR (or TESSERA_LORA_DIR)");
    }
    if (strengthGiven && initPath == null) {
      throw new UsageException("--strength needs --init IMAGE");
    }
    if (!(strength > 0 && strength <= 1)) {
      throw new UsageException("--strength: must be in (0, 1], got " + strength);
    }
    Spacing spacing = spacingText == null ? null : Spacing.parse(spacingText);
    RgbImage init = initPath == null ? null : readImage(Path.of(initPath));
    if (!target.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw new UsageException("--out: must name a .png file, got " + target);
    }
    UpscaleOptions.Plan plan = upscaleOptions.plan(settings);

    try (Renderer renderer = Renderer.open(model, options);
        Upscaler upscaler = plan == null ? null : plan.open(options)) {
      if (loraDir != null) {
        renderer.useAdapters(LoraLibrary.directory(Path.of(loraDir)), 1);
      }
      if (renderer.bundle().isMiniature()) {
        err.println(
            "note: "
                + model
                + " is an untrained miniature bundle: it proves the pipeline, not the pictures");
      }
      if (upscaler != null && upscaler.isMiniature()) {
        err.println(
            "note: "
                + plan.model()
                + " is an untrained miniature upscaler: it proves the pipeline, not the"
                + " pictures");
      }
      CancelToken cancel = new CancelToken();
      RenderResult result =
          renderer.render(
              new RenderRequest(settings, init, strength, spacing),
              progress(err, "denoising"),
              cancel);
      Warnings.droppedWords(result.droppedWords(), renderer.tokenizer().maxLength(), err);
      RgbImage image = result.image();
      String parameters = result.parameters();
      if (upscaler != null) {
        long t0 = System.nanoTime();
        Upscaled upscaled =
            upscaler.upscale(
                image, plan.target(), plan.settings(), progress(err, "upscaling"), cancel);
        result.timings().add("upscale", System.nanoTime() - t0, upscaled.detail());
        image = upscaled.image();
        parameters += ", " + upscaled.parameters();
      }
      long t0 = System.nanoTime();
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      PngWriter.write(image, Map.of("parameters", parameters), target);
      result.timings().add("png", System.nanoTime() - t0);
      out.println("timings:");
      out.print(result.timings().format());
      out.println("wrote " + target + " (" + image.width() + "x" + image.height() + ")");
    }
  }

  /** {@code NAME:SCALE} or {@code NAME} (scale 1), as {@code --lora} takes them. */
  static List<LoraRef> loras(List<String> values) {
    List<LoraRef> loras = new ArrayList<>();
    for (String value : values) {
      int colon = value.lastIndexOf(':');
      if (colon < 0) {
        loras.add(new LoraRef(value, 1.0));
        continue;
      }
      String scale = value.substring(colon + 1);
      try {
        loras.add(new LoraRef(value.substring(0, colon), Double.parseDouble(scale.trim())));
      } catch (NumberFormatException e) {
        throw new UsageException("--lora: expected NAME:SCALE, got '" + value + "'");
      }
    }
    return loras;
  }

  private static RgbImage readImage(Path file) {
    try {
      BufferedImage image = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
      if (image == null) {
        throw new UsageException("--init: cannot read an image from " + file);
      }
      return RgbImage.of(image, image.getWidth(), image.getHeight());
    } catch (IOException e) {
      throw new UsageException("--init: cannot read an image from " + file + ": " + e.getMessage());
    }
  }

  /**
   * Progress on one terminal line where stderr is a console; silent otherwise (logs stay clean).
   */
  private static RenderListener progress(PrintStream err, String stage) {
    if (System.console() == null) {
      return RenderListener.NONE;
    }
    return (step, total) -> {
      err.print("\r" + stage + ": step " + step + "/" + total);
      if (step == total) {
        err.println();
      }
    };
  }

  /**
   * The bundle a module beside the engine offers when no {@code --model} is given (the untrained
   * miniature).
   */
  private static Path defaultBundle(PrintStream err) throws IOException {
    for (EngineCommand extension : EngineCli.extensions()) {
      Optional<Path> bundle = extension.defaultBundle(err);
      if (bundle.isPresent()) {
        return bundle.get();
      }
    }
    throw new UsageException("--model is required");
  }
}
