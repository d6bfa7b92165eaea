package dev.tessera.render.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class PngWriterTest {
  private static final String ASCII =
      "a lighthouse at dusk\nSteps: 30, Sampler: Euler a, CFG scale: 7.5, Seed: 42";
  private static final String CJK = "猫 in the rain";

  @Test
  void decodesWithImageIoToTheSamePixels() throws IOException {
    RgbImage image = SyntheticPhoto.landscape(320, 200, 7);
    var decoded = ImageIO.read(new ByteArrayInputStream(png(image, Map.of("parameters", ASCII))));
    assertEquals(320, decoded.getWidth());
    assertEquals(200, decoded.getHeight());
    assertArrayEquals(image.rgb(), RgbImage.of(decoded, 320, 200).rgb());
  }

  @Test
  void latin1TextGoesInTextChunks() throws IOException {
    byte[] png =
        png(SyntheticPhoto.landscape(64, 64, 1), Map.of("parameters", ASCII, "Comment", "café"));
    assertEquals(Map.of("parameters", ASCII, "Comment", "café"), entries(png, "tEXt", "value"));
    assertEquals(Map.of(), entries(png, "iTXt", "text"));
  }

  @Test
  void textBeyondLatin1GoesInUtf8InternationalTextChunks() throws IOException {
    byte[] png = png(SyntheticPhoto.landscape(64, 64, 1), Map.of("parameters", CJK));
    assertEquals(Map.of("parameters", CJK), entries(png, "iTXt", "text"));
    assertEquals(Map.of(), entries(png, "tEXt", "value"));
  }

  @Test
  void textChunksFollowIhdrInKeywordOrderWithValidCrcs() throws IOException {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("parameters", CJK);
    text.put("Software", "Tessera");
    List<String> types = chunkTypes(png(SyntheticPhoto.landscape(64, 64, 1), text));
    assertEquals(List.of("IHDR", "tEXt", "iTXt", "IDAT"), types.subList(0, 4));
    assertEquals("IEND", types.get(types.size() - 1));
  }

  @Test
  void sameImageAndTextGiveTheSameBytesInOneJvm() throws Exception {
    RgbImage image = SyntheticPhoto.landscape(512, 512, 3);
    Map<String, String> text = Map.of("parameters", CJK, "Software", "Tessera");
    byte[] first = png(image, text);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<byte[]>> concurrent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        concurrent.add(pool.submit(() -> png(image, text)));
      }
      for (Future<byte[]> other : concurrent) {
        assertArrayEquals(first, other.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * A multi-threaded deflate that splits the data by processor count would pass the in-JVM check
   * above and fail this one: a 1024×1024 image is large enough for the split to differ between 1
   * processor and more.
   */
  @Test
  void sameBytesWhateverTheProcessorCount(@TempDir Path dir) throws Exception {
    Path child = dir.resolve("one-cpu.png");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=1",
                "-cp",
                System.getProperty("java.class.path"),
                WriteReference.class.getName(),
                child.toString())
            .inheritIO()
            .start();
    assertEquals(0, process.waitFor());
    assertArrayEquals(referencePng(), Files.readAllBytes(child));
  }

  private static byte[] referencePng() throws IOException {
    return png(SyntheticPhoto.landscape(1024, 1024, 5), Map.of("parameters", ASCII));
  }

  /** Writes {@link #referencePng} to the file named by its argument, in a JVM of its own. */
  static final class WriteReference {
    public static void main(String[] args) throws IOException {
      Files.write(Path.of(args[0]), referencePng());
    }
  }

  @Test
  void fileAndStreamGetTheSameBytes(@TempDir Path dir) throws IOException {
    RgbImage image = SyntheticPhoto.landscape(96, 64, 2);
    Path file = dir.resolve("out.png");
    PngWriter.write(image, Map.of("parameters", ASCII), file);
    assertArrayEquals(png(image, Map.of("parameters", ASCII)), Files.readAllBytes(file));
  }

  @Test
  void rejectsBadKeywordsAndNulBeforeWritingAnything() {
    RgbImage image = SyntheticPhoto.landscape(8, 8, 1);
    for (Map<String, String> text :
        List.of(
            Map.of("", "x"),
            Map.of(" parameters", "x"),
            Map.of("two  spaces", "x"),
            Map.of("k".repeat(80), "x"),
            Map.of("猫", "x"),
            Map.of("parameters", "a\0b"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThrows(
          IllegalArgumentException.class, () -> PngWriter.write(image, text, out), text.toString());
      assertEquals(0, out.size());
    }
  }

  @Test
  void rejectsBadTextBeforeCreatingTheFile(@TempDir Path dir) {
    Path file = dir.resolve("out.png");
    RgbImage image = SyntheticPhoto.landscape(8, 8, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> PngWriter.write(image, Map.of("parameters", "\0"), file));
    assertFalse(Files.exists(file));
  }

  private static byte[] png(RgbImage image, Map<String, String> text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PngWriter.write(image, text, out);
    return out.toByteArray();
  }

  /** The entries of one kind of text chunk, as javax.imageio reads them (keyword → text). */
  private static Map<String, String> entries(byte[] png, String chunk, String valueAttribute)
      throws IOException {
    ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      reader.setInput(in);
      Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
      Map<String, String> entries = new LinkedHashMap<>();
      for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
        if (node.getNodeName().equals(chunk)) {
          for (Node entry = node.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
            Element e = (Element) entry;
            entries.put(e.getAttribute("keyword"), e.getAttribute(valueAttribute));
          }
        }
      }
      return entries;
    } finally {
      reader.dispose();
    }
  }

  /** The chunk types in file order, checking the signature and every chunk's CRC on the way. */
  private static List<String> chunkTypes(byte[] png) {
    ByteBuffer in = ByteBuffer.wrap(png);
    assertEquals(0x89504e470d0a1a0aL, in.getLong());
    List<String> types = new ArrayList<>();
    while (in.hasRemaining()) {
      int length = in.getInt();
      int start = in.position();
      String type = new String(png, start, 4, StandardCharsets.US_ASCII);
      CRC32 crc = new CRC32();
      crc.update(png, start, 4 + length);
      in.position(start + 4 + length);
      assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + type);
      types.add(type);
    }
    return types;
  }
}
