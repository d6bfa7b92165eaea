package dev.tessera.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.TestData;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EngineCliTest {
  private static Path bundle;
  @TempDir static Path tmp;

  @BeforeAll
  static void bundle() {
    bundle = MiniatureFixtures.bundle(MiniatureKind.SD2, false);
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EngineCli.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String[] render(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "render",
                "--model",
                bundle.toString(),
                "--prompt",
                "a cat",
                "--steps",
                "2",
                "--width",
                "64",
                "--height",
                "64",
                "--out",
                tmp.resolve("x.png").toString()));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  /**
   * A copy of the miniature bundle with one file replaced by {@code content}, or deleted when it is
   * null.
   */
  static Path brokenBundle(String file, String content) throws IOException {
    Path copy = Files.createTempDirectory(tmp, "bundle");
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(bundle.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    if (content == null) {
      Files.delete(copy.resolve(file));
    } else {
      Files.writeString(copy.resolve(file), content);
    }
    return copy;
  }

  static Stream<Object[]> badRenders() throws IOException {
    Path notAnImage = Files.writeString(tmp.resolve("not-an-image.png"), "hello");
    return Stream.of(
        new Object[] {render("--scheduler", "plms"), "--scheduler: unknown scheduler 'plms'"},
        new Object[] {render("--width", "500"), "--width: must be a multiple of 8, got 500"},
        new Object[] {render("--height", "100"), "--height: must be a multiple of 8, got 100"},
        new Object[] {render("--steps", "0"), "--steps: must be between 1 and 500, got 0"},
        new Object[] {render("--steps", "501"), "--steps: must be between 1 and 500, got 501"},
        new Object[] {render("--guidance", "-1"), "--guidance: must be between 0 and 50, got -1.0"},
        new Object[] {
          render("--guidance", "50.5"), "--guidance: must be between 0 and 50, got 50.5"
        },
        new Object[] {render("--prompt", " "), "--prompt: must not be empty"},
        new Object[] {render("--steps", "ten"), "--steps: not a whole number: 'ten'"},
        new Object[] {render("--init", notAnImage.toString()), "--init: cannot read an image from"},
        new Object[] {
          render("--init", tmp.resolve("missing.png").toString()),
          "--init: cannot read an image from"
        },
        new Object[] {
          render("--spacing", "middle"),
          "timestep spacing 'middle' is not one of leading, linspace, trailing"
        },
        new Object[] {render("--colour", "red"), "unknown option --colour"},
        new Object[] {render("--device", "tpu"), "device must be auto, cpu or cuda"});
  }

  @ParameterizedTest
  @MethodSource("badRenders")
  void badInputEndsWithOneLineAndExitCodeTwo(String[] args, String expected) {
    Run r = run(args);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void brokenBundlesNameTheFile() throws IOException {
    assertBad(run(withModel(brokenBundle("unet/model.onnx", null))), "missing unet/model.onnx");
    assertBad(
        run(withModel(brokenBundle("model_index.json", "{nope"))),
        "model_index.json: malformed JSON");
    assertBad(
        run(withModel(brokenBundle("scheduler/scheduler_config.json", "[1, 2]"))),
        "scheduler_config.json");
    assertBad(run(withModel(brokenBundle("tokenizer/vocab.json", "{\"a\": \"x\"}"))), "vocab.json");
    assertBad(
        run(withModel(brokenBundle("unet/model.onnx", "not onnx"))),
        "unet/model.onnx: ONNX Runtime cannot load it");
    assertBad(run(withModel(tmp.resolve("nowhere"))), "no such directory");
  }

  private static String[] withModel(Path model) {
    String[] args = render();
    args[2] = model.toString();
    return args;
  }

  private static void assertBad(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void renderWritesAPngWithParametersAndPrintsTimings() throws Exception {
    Path png = tmp.resolve("out/cat.png");
    Run r = run(render("--out", png.toString(), "--seed", "42", "--negative", "dogs"));
    assertEquals(0, r.code(), r.err());
    for (String stage : List.of("tokenize", "text_encode", "denoise", "decode", "png", "total")) {
      assertTrue(r.out().contains("  " + stage), r.out());
    }
    var reader = ImageIO.getImageReadersByFormatName("png").next();
    try (var in = ImageIO.createImageInputStream(png.toFile())) {
      reader.setInput(in);
      assertEquals(64, reader.getWidth(0));
      IIOMetadataNode root =
          (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
      IIOMetadataNode entry = (IIOMetadataNode) root.getElementsByTagName("tEXtEntry").item(0);
      assertEquals("parameters", entry.getAttribute("keyword"));
      assertTrue(entry.getAttribute("value").startsWith("a cat\nNegative prompt: dogs\nSteps: 2"));
      assertTrue(entry.getAttribute("value").contains("Seed: 42"));
    }
  }

  @Test
  void tokenizePrintsTheIdsAndWarnsAboutDroppedWords() {
    TestData.clipTokenizerDir();
    Run r = run("tokenize", "--model", bundle.toString(), "a photo of a cat");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("[49406, 320, 1125, 539, 320, 2368, 49407, 0, 0"), r.out());
    assertEquals(77, r.out().split(",").length);
    assertTrue(r.err().isEmpty());
    Run long_ = run("tokenize", "--model", bundle.toString(), "cat ".repeat(80) + "zebra");
    assertTrue(long_.err().contains("dropped: cat cat cat cat cat zebra"), long_.err());
  }

  @Test
  void schedulePrintsTheBundlesSchedule() {
    Run ddim =
        run("schedule", "--model", bundle.toString(), "--scheduler", "ddim", "--steps", "50");
    assertEquals(0, ddim.code(), ddim.err());
    assertTrue(ddim.out().startsWith("{\"timesteps\": [981, 961, 941,"), ddim.out());
    assertTrue(ddim.out().contains(", 41, 21, 1], \"init_noise_sigma\": 1}"), ddim.out());
    Run euler =
        run("schedule", "--model", bundle.toString(), "--scheduler", "euler", "--steps", "25");
    assertTrue(euler.out().contains("\"sigmas\": [14.614653, 11.435946, 9.076812,"), euler.out());
    assertTrue(euler.out().contains("\"init_noise_sigma\": 14.614653}"), euler.out());
    Run leading =
        run(
            "schedule",
            "--model",
            bundle.toString(),
            "--scheduler",
            "euler",
            "--steps",
            "25",
            "--spacing",
            "leading");
    assertEquals(0, leading.code(), leading.err());
    assertFalse(leading.out().contains("\"init_noise_sigma\": 14.6146"), leading.out());
    assertBad(
        run(
            "schedule",
            "--model",
            bundle.toString(),
            "--scheduler",
            "ddim",
            "--steps",
            "20",
            "--karras"),
        "has no Karras sigmas");
  }

  @Test
  void unknownCommandAndMissingOptionsAreUsageErrors() {
    assertEquals(2, run("paint").code());
    assertBad(run("render", "--prompt", "x"), "--out is required");
    assertBad(run("render", "--prompt", "x", "--out", "x.png"), "--model is required");
    assertBad(run("model", "miniature", "--kind", "sd3", "--out", tmp.toString()), "sd3");
  }
}
