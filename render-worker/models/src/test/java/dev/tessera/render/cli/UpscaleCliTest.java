package dev.tessera.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.upscale.SrModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code render --upscale …} end to end on miniature bundles, and its bad-input lines. */
class UpscaleCliTest {
  private static Path sd2;
  private static Path x4;
  private static Path sr;
  @TempDir static Path tmp;

  @BeforeAll
  static void bundles() {
    sd2 = MiniatureFixtures.bundle(MiniatureKind.SD2, false);
    x4 = MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false);
    sr = MiniatureFixtures.bundle(MiniatureKind.SR, false);
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

  static String[] render(Path png, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "render",
                "--model",
                sd2.toString(),
                "--prompt",
                "a cat",
                "--steps",
                "2",
                "--width",
                "64",
                "--height",
                "64",
                "--out",
                png.toString()));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  static Stream<Object[]> badUpscales() throws IOException {
    Path rank3 = SrModels.wrongRank(tmp.resolve("rank3.onnx"));
    Path png = tmp.resolve("bad.png");
    return Stream.of(
        new Object[] {
          render(png, "--upscale", "lanczos", "--target", "32"),
          "--target: 32 is smaller than the 64x64 image it would upscale"
        },
        new Object[] {
          render(png, "--upscale", "lanczos", "--target", "4097"), "--target: must be at most 4096"
        },
        new Object[] {
          render(png, "--upscale", "sr", "--upscaler", rank3.toString()),
          "an sr model maps [1, 3, H, W] to [1, 3, sH, sW], but its input 'image' has rank 3"
        },
        new Object[] {render(png, "--upscale", "x4"), "--upscale x4 needs --upscaler DIR"},
        new Object[] {
          render(png, "--upscale", "sr", "--target", "256"), "--upscale sr needs --upscaler MODEL"
        },
        new Object[] {render(png, "--target", "256"), "--target needs --upscale x4|sr|lanczos"},
        new Object[] {render(png, "--upscale", "x8"), "--upscale: unknown upscale mode 'x8'"},
        new Object[] {
          render(png, "--upscale", "sr", "--upscaler", sr.toString(), "--noise-level", "5"),
          "--noise-level is for --upscale x4 only"
        },
        new Object[] {
          render(png, "--upscale", "x4", "--upscaler", x4.toString(), "--noise-level", "351"),
          "noise level must be between 0 and 350"
        },
        new Object[] {
          render(png, "--upscale", "x4", "--upscaler", sr.toString()), "missing model_index.json"
        },
        new Object[] {
          render(png, "--upscale", "sr", "--upscaler", sr.toString(), "--tile-batch", "2"),
          "--tile-batch is for --upscale x4 only"
        },
        new Object[] {
          render(png, "--upscale", "x4", "--upscaler", x4.toString(), "--tile", "64"),
          "--tile is for --upscale sr only"
        },
        new Object[] {
          render(png, "--upscale", "sr", "--upscaler", sr.toString(), "--overlap", "200"),
          "--tile/--overlap: tile overlap must be in [0, 128), got 200"
        },
        new Object[] {
          new String[] {
            "upscale",
            "--in",
            tmp.resolve("none.png").toString(),
            "--upscale",
            "lanczos",
            "--out",
            png.toString()
          },
          "--in: no image file at "
        },
        new Object[] {
          new String[] {
            "upscale", "--in", rank3.toString(), "--upscale", "lanczos", "--out", png.toString()
          },
          "--in: cannot read an image from "
        },
        new Object[] {
          new String[] {"upscale", "--in", rank3.toString(), "--out", png.toString()},
          "--in: cannot read an image from "
        });
  }

  @ParameterizedTest
  @MethodSource("badUpscales")
  void badInputEndsWithOneLineAndExitCodeTwo(String[] args, String expected) {
    Run r = run(args);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void x4UpscaleWritesTheTargetSizeAndTimesTheStage() throws IOException {
    Path png = tmp.resolve("x4.png");
    Run r =
        run(
            render(
                png,
                "--upscale",
                "x4",
                "--upscaler",
                x4.toString(),
                "--target",
                "200",
                "--upscale-steps",
                "2"));
    assertEquals(0, r.code(), r.err());
    String timings = r.out();
    assertTrue(
        timings.matches(
            "(?s).*  decode .*\\n  upscale .*\\(x4, 1 tile, 2 steps, decoded in 1 tile, lanczos 256x256"
                + " to 200x200\\)\\n  png .*"),
        timings);
    assertEquals(200, ImageIO.read(png.toFile()).getWidth());
    assertTrue(r.err().contains("untrained miniature upscaler"), r.err());
  }

  @Test
  void srAndLanczosUpscalesWriteTheTargetSize() throws IOException {
    Path srPng = tmp.resolve("sr.png");
    Run srRun =
        run(
            render(
                srPng,
                "--upscale",
                "sr",
                "--upscaler",
                sr.resolve("model.onnx").toString(),
                "--target",
                "256"));
    assertEquals(0, srRun.code(), srRun.err());
    assertTrue(srRun.out().contains("(sr x4, 1 tile)"), srRun.out());
    assertEquals(256, ImageIO.read(srPng.toFile()).getHeight());

    Path lanczosPng = tmp.resolve("lanczos.png");
    Run lanczos = run(render(lanczosPng, "--upscale", "lanczos", "--target", "100"));
    assertEquals(0, lanczos.code(), lanczos.err());
    assertTrue(lanczos.out().contains("(lanczos 64x64 to 100x100)"), lanczos.out());
    assertEquals(100, ImageIO.read(lanczosPng.toFile()).getWidth());
  }

  /** {@code upscale} on a PNG with no render: the tiled sr path with the tiles asked for. */
  @Test
  void upscaleCommandRunsTheTiledPathOnAnImageFile() throws IOException {
    Path in = tmp.resolve("in.png");
    Run rendered = run(render(in));
    assertEquals(0, rendered.code(), rendered.err());
    Path out = tmp.resolve("upscaled.png");
    Run r =
        run(
            "upscale",
            "--in",
            in.toString(),
            "--upscale",
            "sr",
            "--upscaler",
            sr.toString(),
            "--tile",
            "32",
            "--overlap",
            "8",
            "--target",
            "200",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .matches(
                "(?s)upscale [0-9.]+ ms \\(sr x4, 9 tiles, lanczos 256x256 to 200x200\\);"
                    + " [0-9]+ ms per megapixel out\\nwrote .*upscaled.png \\(200x200 from 64x64\\)\\n"),
        r.out());
    assertEquals(200, ImageIO.read(out.toFile()).getWidth());
    Run missingMode = run("upscale", "--in", in.toString(), "--out", out.toString());
    assertEquals(2, missingMode.code());
    assertTrue(
        missingMode.err().contains("--upscale x4|sr|lanczos is required"), missingMode.err());
  }
}
