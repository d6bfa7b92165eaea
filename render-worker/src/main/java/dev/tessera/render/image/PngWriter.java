package dev.tessera.render.image;

import com.pngencoder.PngEncoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes 8-bit RGB PNGs with text chunks (the generation settings go in {@code parameters}, where Stable-Diffusion
 * tools look for them), encoded by pngencoder with its adaptive row filters, plus {@code tEXt} chunks
 * (or {@code iTXt} for text beyond Latin-1) right after IHDR.
 *
 * <p>Output is deterministic: the same image and text give the same bytes, on any machine with the same zlib.
 * That rules out pngencoder's multi-threaded deflate: it cuts the data into a number of segments that depends on
 * the machine's processor count, so a 2-core and an 8-core worker would write different files.
 *
 * <p>Compression level {@value #COMPRESSION_LEVEL}, measured on a 2048×2048 photo-like image (2 cores, single
 * thread): level 1 gives 5.41 MB in 223 ms, level 4 5.10 MB in 277 ms, level 6 4.87 MB in 1.4 s and level 9
 * 4.80 MB in 3.0 s. Past 4 each few per cent costs seconds; {@code javax.imageio} wrote 6.44 MB in 248 ms.
 */
public final class PngWriter {
  static final int COMPRESSION_LEVEL = 4;

  private static final PngEncoder ENCODER = new PngEncoder()
      .withCompressionLevel(COMPRESSION_LEVEL)
      .withPredictorEncoding(true)
      .withMultiThreadedCompressionEnabled(false);

  private PngWriter() {}

  /** Writes {@code image} with the given text chunks (keyword → text) to {@code file}. */
  public static void write(RgbImage image, Map<String, String> text, Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(image, text, out);
    }
  }

  /**
   * Writes {@code image} with the given text chunks (keyword → text) to {@code out}, leaving it open.
   *
   * @throws IllegalArgumentException before writing anything, if a keyword is not a valid PNG keyword (1–79
   *     printable Latin-1 characters) or a text contains NUL
   */
  public static void write(RgbImage image, Map<String, String> text, OutputStream out) throws IOException {
    AfterHeaderOutputStream png = new AfterHeaderOutputStream(out, PngTextChunks.encode(text));
    try {
      ENCODER.withBufferedImage(image.toBufferedImage()).toStream(png);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    png.finish();
  }
}
