package dev.tessera.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.FileTrees;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One step through each full-size stand-in on the CPU, through the CLI as a user runs it: {@code
 * model stand-in} writes the bundle (float32 for sd21, 5.2 GB; float16 for the x4 upscaler, 1.7 GB;
 * each deleted after use), then the engine renders 128×128 with SD 2.1 and upscales 64×64 to
 * 256×256 with the x4 upscaler, whose fp16 graphs ONNX Runtime runs on the CPU by casting around
 * the operators it has no float16 kernel for. The pictures are noise; what is checked is that ONNX
 * Runtime runs every graph with the engine's inputs and that what comes out is an image of the
 * right size that is not flat (NaN or infinite activations would clamp to a flat picture). About 3
 * minutes on two cores.
 */
class StandInRenderTest {
  @TempDir Path tmp;

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EngineCli.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, stdout + stderr);
    return new String[] {stdout, stderr};
  }

  @Test
  void sd21RendersOneStepAndTheX4UpscalerUpscalesOne() throws IOException {
    Path sd21 = tmp.resolve("sd21");
    String written = run("model", "stand-in", "--kind", "sd21", "--out", sd21.toString())[0];
    assertTrue(written.contains("wrote the untrained full-size sd21 stand-in"), written);
    Path rendered = tmp.resolve("sd21.png");
    String[] render =
        run(
            "render",
            "--model",
            sd21.toString(),
            "--prompt",
            "a lighthouse at dusk",
            "--steps",
            "1",
            "--width",
            "128",
            "--height",
            "128",
            "--out",
            rendered.toString());
    assertTrue(render[0].contains("denoise"), render[0]);
    assertNotFlat(ImageIO.read(rendered.toFile()), 128);
    FileTrees.delete(sd21);

    Path x4 = tmp.resolve("x4");
    run("model", "stand-in", "--kind", "x4-upscaler", "--fp16", "--out", x4.toString());
    Path small = tmp.resolve("small.png");
    ImageIO.write(gradient(64), "png", small.toFile());
    Path upscaled = tmp.resolve("x4.png");
    String[] upscale =
        run(
            "upscale",
            "--in",
            small.toString(),
            "--upscale",
            "x4",
            "--upscaler",
            x4.toString(),
            "--upscale-steps",
            "1",
            "--target",
            "256",
            "--out",
            upscaled.toString());
    assertTrue(upscale[0].contains("(x4, 1 tile, 1 steps"), upscale[0]);
    assertNotFlat(ImageIO.read(upscaled.toFile()), 256);
    FileTrees.delete(x4);
  }

  private static void assertNotFlat(BufferedImage image, int size) {
    assertEquals(size, image.getWidth());
    assertEquals(size, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < size; y += 4) {
      for (int x = 0; x < size; x += 4) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 16, "only " + colours.size() + " colours");
  }

  private static BufferedImage gradient(int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
      }
    }
    return image;
  }
}
