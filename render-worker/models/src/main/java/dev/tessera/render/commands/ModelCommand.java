package dev.tessera.render.commands;

import dev.tessera.common.FileTrees;
import dev.tessera.render.cli.Args;
import dev.tessera.render.cli.EngineCommand;
import dev.tessera.render.cli.UsageException;
import dev.tessera.render.esrgan.EsrganModels;
import dev.tessera.render.esrgan.EsrganVariant;
import dev.tessera.render.miniature.MiniatureBundle;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.miniature.StandInBundle;
import dev.tessera.render.miniature.StandInKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code model miniature --kind K [--fp16] --out DIR}: writes an untrained miniature bundle (Stable
 * Diffusion, x4 upscaler) or sr model; {@code model esrgan --variant V --scale S --out FILE.onnx}:
 * converts a trained ESRGAN model from its npm package; and the bundle {@code render} uses without
 * {@code --model}. Added to the engine's CLI through {@link EngineCommand}.
 */
public final class ModelCommand implements EngineCommand {
  /**
   * Where the real CLIP tokenizer files are looked for: {@code ../shared/data/clip-tokenizer}
   * beside the checkout (the launcher passes the checkout as {@code tessera.home}).
   */
  static Path sharedTokenizer() {
    return Path.of(System.getProperty("tessera.home", "."))
        .resolve("../shared/data/clip-tokenizer")
        .normalize();
  }

  @Override
  public String name() {
    return "model";
  }

  @Override
  public String usage() {
    return "model miniature --kind sd2|sd2-v|sd1|x4-upscaler|sr [--fp16] --out DIR\n"
        + "  model stand-in --kind sd21|sd21-base|x4-upscaler [--fp16] --out DIR\n"
        + "  model esrgan --variant slim|medium|thick --scale 2|3|4|8 --out FILE.onnx";
  }

  /**
   * The bundle {@code render} uses without {@code --model}: an untrained SD 2.x v-prediction
   * miniature under {@code .farm/models/} in the checkout, written on first use.
   */
  @Override
  public Optional<Path> defaultBundle(PrintStream err) throws IOException {
    String home = System.getProperty("tessera.home");
    if (home == null) {
      return Optional.empty();
    }
    Path dir = Path.of(home, ".farm", "models", "miniature-sd2-v");
    if (!Files.isDirectory(dir) || olderThanThisGenerator(dir)) {
      FileTrees.delete(dir);
      // Written beside and moved into place, so an interrupted first run leaves no half bundle
      // behind.
      Path partial =
          dir.resolveSibling(dir.getFileName() + ".partial-" + ProcessHandle.current().pid());
      Path tokenizer = sharedTokenizer();
      MiniatureBundle.write(
          MiniatureKind.SD2_V,
          false,
          partial,
          Files.isRegularFile(tokenizer.resolve("vocab.json")) ? tokenizer : null);
      Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.setLastModifiedTime(
          dir, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
      err.println("note: no --model given; wrote the untrained miniature bundle " + dir);
    }
    return Optional.of(dir);
  }

  /**
   * Whether {@code dir} was written before the jar this class runs from (by an older generator).
   */
  private static boolean olderThanThisGenerator(Path dir) throws IOException {
    try {
      Path code =
          Path.of(ModelCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(code)
          && Files.getLastModifiedTime(dir).compareTo(Files.getLastModifiedTime(code)) < 0;
    } catch (java.net.URISyntaxException | SecurityException e) {
      return false;
    }
  }

  @Override
  public void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of("fp16"));
    if (args.positional().size() == 1 && args.positional().get(0).equals("esrgan")) {
      esrgan(args, out, err);
      return;
    }
    if (args.positional().size() == 1 && args.positional().get(0).equals("stand-in")) {
      standIn(args, out, err);
      return;
    }
    if (args.positional().size() != 1 || !args.positional().get(0).equals("miniature")) {
      throw new UsageException("expected: " + usage());
    }
    MiniatureKind kind = MiniatureKind.parse(args.required("kind"));
    boolean fp16 = args.flag("fp16");
    Path outDir = args.path("out");
    Path tokenizer = Path.of(args.string("tokenizer", sharedTokenizer().toString()));
    args.finish();
    boolean realVocabulary = Files.isRegularFile(tokenizer.resolve("vocab.json"));
    MiniatureBundle.write(kind, fp16, outDir, realVocabulary ? tokenizer : null);
    String vocabulary =
        kind == MiniatureKind.SR
            ? ""
            : realVocabulary
                ? " (CLIP tokenizer from " + tokenizer + ")"
                : " (small generated vocabulary)";
    out.println(
        "wrote untrained miniature "
            + kind.cliName()
            + (fp16 ? " fp16" : "")
            + " "
            + (kind == MiniatureKind.SR ? "model" : "bundle")
            + " to "
            + outDir
            + vocabulary);
    err.println(
        "note: a miniature bundle proves the pipeline, not the pictures; see the README for real SD 2.x weights");
  }

  /** {@code model stand-in}: a full-size architecture with untrained weights. */
  private static void standIn(Args args, PrintStream out, PrintStream err) throws IOException {
    StandInKind kind;
    try {
      kind = StandInKind.parse(args.required("kind"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--kind: " + e.getMessage());
    }
    boolean fp16 = args.flag("fp16");
    Path outDir = args.path("out");
    Path tokenizer = Path.of(args.string("tokenizer", sharedTokenizer().toString()));
    args.finish();
    boolean realVocabulary = Files.isRegularFile(tokenizer.resolve("vocab.json"));
    long start = System.nanoTime();
    StandInBundle.write(kind, fp16, outDir, realVocabulary ? tokenizer : null);
    long bytes;
    try (java.util.stream.Stream<Path> files = Files.walk(outDir)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    out.printf(
        java.util.Locale.ROOT,
        "wrote the untrained full-size %s%s stand-in to %s (%.2f GB, %.0f s)%n",
        kind.cliName(),
        fp16 ? " fp16" : "",
        outDir,
        bytes / 1e9,
        (System.nanoTime() - start) / 1e9);
    err.println(
        "note: a stand-in has the real architecture and cost, not the pictures: its weights are random");
  }

  /** {@code model esrgan}: fetches the variant's package with npm and converts one scale. */
  private static void esrgan(Args args, PrintStream out, PrintStream err) throws IOException {
    EsrganVariant variant = EsrganVariant.parse(args.string("variant", "slim"));
    int scale = EsrganVariant.checkScale(args.integer("scale", 4));
    Path file = args.path("out");
    args.finish();
    if (!file.getFileName().toString().endsWith(".onnx")) {
      throw new UsageException("--out: must name an .onnx file, got " + file);
    }
    err.println(
        "fetching " + variant.packageName() + "@" + EsrganVariant.VERSION + " with npm pack...");
    EsrganModels.convert(variant, scale, file);
    out.println(
        "wrote ESRGAN "
            + variant.cliName()
            + " x"
            + scale
            + " ("
            + variant.packageName()
            + "@"
            + EsrganVariant.VERSION
            + ", MIT) to "
            + file
            + ": input [1, 3, H, W] RGB in [0, 1] -> output [1, 3, "
            + scale
            + "H, "
            + scale
            + "W]");
  }
}
