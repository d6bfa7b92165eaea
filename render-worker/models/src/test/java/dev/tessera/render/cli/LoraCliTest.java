package dev.tessera.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.LoraRef;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.lora.SafeTensorsWriter;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render --lora NAME:SCALE --lora-dir DIR} on the miniature bundle. */
class LoraCliTest {
  @TempDir static Path loras;

  @BeforeAll
  static void adapter() throws IOException {
    float[] down = new float[2 * 64];
    float[] up = new float[64 * 2];
    for (int i = 0; i < down.length; i++) {
      down[i] = (i % 7 - 3) * 0.05f;
      up[i] = (i % 5 - 2) * 0.5f;
    }
    new SafeTensorsWriter()
        .add(
            "lora_unet_mid_block_attention_attn2_q.lora_down.weight",
            "F32",
            new long[] {2, 64},
            down)
        .add("lora_unet_mid_block_attention_attn2_q.lora_up.weight", "F32", new long[] {64, 2}, up)
        .write(loras.resolve("film-grain.safetensors"));
    Files.copy(loras.resolve("film-grain.safetensors"), loras.resolve("film-grain-2.safetensors"));
  }

  /** A small render of the miniature bundle with {@code extra} options. */
  private static EngineCliTest.Run render(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "render",
                "--model",
                MiniatureFixtures.bundle(MiniatureKind.SD2, false).toString(),
                "--prompt",
                "a cat",
                "--steps",
                "2",
                "--width",
                "64",
                "--height",
                "64",
                "--out",
                loras.resolve("out.png").toString()));
    args.addAll(List.of(extra));
    return EngineCliTest.run(args.toArray(String[]::new));
  }

  @Test
  void namesAndScalesParse() {
    assertEquals(
        List.of(new LoraRef("film-grain", 0.8), new LoraRef("epi", 1.0), new LoraRef("a:b", -1)),
        RenderCommand.loras(List.of("film-grain:0.8", "epi", "a:b:-1")));
  }

  @Test
  void rendersWithRepeatedAdapters() throws IOException {
    EngineCliTest.Run run =
        render(
            "--lora", "film-grain:0.5", "--lora", "film-grain-2", "--lora-dir", loras.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("lora"), run.out());
    assertTrue(Files.size(loras.resolve("out.png")) > 0);
  }

  @Test
  void problemsNameTheOption() {
    EngineCliTest.Run noDir = render("--lora", "film-grain");
    if (System.getenv("TESSERA_LORA_DIR") == null) {
      assertEquals(2, noDir.code(), noDir.err());
      assertTrue(noDir.err().contains("--lora needs --lora-dir"), noDir.err());
    }
    EngineCliTest.Run badScale = render("--lora", "film-grain:lots", "--lora-dir", "x");
    assertTrue(badScale.err().contains("--lora: expected NAME:SCALE"), badScale.err());
    EngineCliTest.Run tooStrong = render("--lora", "film-grain:9", "--lora-dir", "x");
    assertTrue(tooStrong.err().contains("--lora: loras[0].scale"), tooStrong.err());
    EngineCliTest.Run missing = render("--lora", "absent", "--lora-dir", loras.toString());
    assertTrue(missing.code() != 0);
    assertTrue(missing.err().contains("LoRA adapter absent"), missing.err());
  }
}
