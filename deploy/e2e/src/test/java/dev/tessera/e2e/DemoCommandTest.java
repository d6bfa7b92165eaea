package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.deploy.Farm;
import dev.tessera.deploy.farm.FarmHome;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./farm demo PROMPT}, through the launcher's own code (in this
 * JVM, the farm's services as child processes; untrained miniature models): it starts the farm,
 * renders the prompt through the API, saves a 2048×2048 PNG, prints the stage timings and stops.
 */
class DemoCommandTest {
  @TempDir Path state;

  @Test
  void theDemoRendersThePromptToA2048PngAndPrintsItsTimings() throws Exception {
    FarmHome home = new FarmHome(FarmHome.current().root(), state);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path png;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      png =
          Farm.demo(
              List.of(
                  "A person standing on road wearing jacket with Mountain in background and its"
                      + " raining"),
              home,
              out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertTrue(Files.isRegularFile(png), png.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(2048, image.getWidth());
    assertEquals(2048, image.getHeight());
    for (String line : List.of("farm up in", "submitted job", "succeeded", "denoise", "upscale")) {
      assertTrue(text.contains(line), "printed '" + line + "': " + text);
    }
    assertTrue(text.contains("saved " + home.root().relativize(png)), text);
    Files.delete(png); // the demo saves under the checkout's out/, as the README says
  }
}
