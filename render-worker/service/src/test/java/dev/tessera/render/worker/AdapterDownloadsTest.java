package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.lora.LoraException;
import dev.tessera.render.lora.SafeTensorsWriter;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapters fetched from the farm's bucket (a real S3 server) into the worker's adapter directory,
 * and rendered with on the miniature bundle (untrained: proves the path, not a look).
 */
@NeedsStack
class AdapterDownloadsTest {
  private static final String BUCKET = "tessera";

  @TempDir static Path dir;
  private static ObjectStore s3;
  private static MinioClient client;
  private static byte[] film;

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    s3 = services.startObjectStore(dir.resolve("s3"));
    new ResultStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), BUCKET).ensureBucket();
    client =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .build();
    Random random = new Random(5);
    float[] down = new float[4 * 64];
    float[] up = new float[64 * 4];
    for (int i = 0; i < down.length; i++) {
      down[i] = (float) (random.nextGaussian() * 0.1);
      up[i] = (float) random.nextGaussian();
    }
    film =
        new SafeTensorsWriter()
            .add(
                "lora_unet_mid_block_attention_attn2_q.lora_down.weight",
                "F32",
                new long[] {4, 64},
                down)
            .add(
                "lora_unet_mid_block_attention_attn2_q.lora_up.weight",
                "F32",
                new long[] {64, 4},
                up)
            .bytes();
    put("models/loras/film.safetensors", film);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static void put(String key, byte[] bytes) throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  private AdapterDownloads downloads(Path into) throws IOException {
    return new AdapterDownloads(into, s3.endpoint(), s3.accessKey(), s3.secretKey(), BUCKET);
  }

  @Test
  void fetchesOnceIntoTheDirectoryThenUsesTheFile() throws Exception {
    Path into = dir.resolve("fetch-once");
    AdapterDownloads downloads = downloads(into);
    Path file = downloads.locate("film");
    assertEquals(into.resolve("film.safetensors"), file);
    assertArrayEquals(film, Files.readAllBytes(file));
    try (var listing = Files.list(into)) {
      assertEquals(1, listing.count(), "no partial file left behind");
    }
    put("models/loras/gone.safetensors", film);
    downloads.locate("gone");
    client.removeObject(
        RemoveObjectArgs.builder().bucket(BUCKET).object("models/loras/gone.safetensors").build());
    assertArrayEquals(film, Files.readAllBytes(downloads.locate("gone")), "the local copy serves");
  }

  @Test
  void aMissingAdapterIsPermanentAnUnreachableServerIsNot() throws Exception {
    LoraException missing =
        assertThrows(LoraException.class, () -> downloads(dir.resolve("missing")).locate("absent"));
    assertTrue(
        missing.getMessage().contains("s3://tessera/models/loras/absent.safetensors"),
        missing.getMessage());
    AdapterDownloads unreachable =
        new AdapterDownloads(dir.resolve("unreachable"), "http://127.0.0.1:1", "k", "s", BUCKET);
    IOException down = assertThrows(IOException.class, () -> unreachable.locate("film"));
    assertTrue(down.getMessage().contains("download of models/loras/film.safetensors failed"));
  }

  @Test
  void aRendererRendersWithAFetchedAdapter() throws Exception {
    try (Renderer renderer =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults())) {
      renderer.useAdapters(downloads(dir.resolve("render")), 1);
      RenderSettings plain =
          new RenderSettings("a quiet harbour", "", 3, 2, 7, "euler", false, 64, 64);
      byte[] without =
          renderer
              .render(RenderRequest.of(plain), RenderListener.NONE, new CancelToken())
              .image()
              .rgb();
      byte[] with =
          renderer
              .render(
                  RenderRequest.of(plain.withLoras(List.of(new LoraRef("film", 1.0)))),
                  RenderListener.NONE,
                  new CancelToken())
              .image()
              .rgb();
      assertFalse(java.util.Arrays.equals(without, with), "the adapter changes the render");
    }
  }
}
