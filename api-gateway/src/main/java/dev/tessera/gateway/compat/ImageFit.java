package dev.tessera.gateway.compat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Brings a delivered PNG to the size and encoding a compatibility API was asked for. The farm
 * delivers a job's image at its render size, or upscaled to 2048 on its long side with the render's
 * aspect; a client may ask for less, or an aspect the render only approximates. The image is scaled
 * with Java2D to cover the asked size (halving at most per pass, so a large reduction does not
 * alias) and its centre cut out. Pure; thread-safe.
 */
public final class ImageFit {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private ImageFit() {}

  /**
   * The image to answer with: {@code png} itself when it already is a PNG of {@code width} × {@code
   * height} (so it keeps the worker's bytes and its {@code parameters} text), else {@code png}
   * fitted to that size and encoded as {@code format}.
   *
   * @param quality 0 to 1, for the lossy formats
   * @throws IOException when {@code png} is not an image ImageIO reads
   */
  public static byte[] deliver(byte[] png, int width, int height, ImageFormat format, float quality)
      throws IOException {
    if (format == ImageFormat.PNG && isPng(png, width, height)) {
      return png;
    }
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    if (image == null) {
      throw new IOException("the result is not an image ImageIO reads");
    }
    return encode(fit(image, width, height), format, quality);
  }

  /** {@code image} scaled to cover {@code width} × {@code height}, its centre cut to that size. */
  static BufferedImage fit(BufferedImage image, int width, int height) {
    double scale = Math.max((double) width / image.getWidth(), (double) height / image.getHeight());
    int coverWidth = Math.max(width, (int) Math.round(image.getWidth() * scale));
    int coverHeight = Math.max(height, (int) Math.round(image.getHeight() * scale));
    BufferedImage current = image;
    while (current.getWidth() / 2 >= coverWidth && current.getHeight() / 2 >= coverHeight) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2, 0, 0);
    }
    return draw(
        current,
        coverWidth,
        coverHeight,
        (coverWidth - width) / 2,
        (coverHeight - height) / 2,
        width,
        height);
  }

  private static BufferedImage draw(BufferedImage from, int width, int height, int x, int y) {
    return draw(from, width, height, x, y, width, height);
  }

  /** {@code from} drawn at {@code width} × {@code height}, seen from ({@code x}, {@code y}). */
  private static BufferedImage draw(
      BufferedImage from, int width, int height, int x, int y, int canvasWidth, int canvasHeight) {
    BufferedImage to = new BufferedImage(canvasWidth, canvasHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = to.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(from, -x, -y, width, height, null);
    } finally {
      g.dispose();
    }
    return to;
  }

  static byte[] encode(BufferedImage image, ImageFormat format, float quality) throws IOException {
    var writers = ImageIO.getImageWritersByFormatName(format.wireName());
    if (!writers.hasNext()) {
      throw new IOException("no ImageIO writer for " + format.wireName());
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format != ImageFormat.PNG && param.canWriteCompressed()) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        if (param.getCompressionType() == null && param.getCompressionTypes() != null) {
          param.setCompressionType(param.getCompressionTypes()[0]);
        }
        param.setCompressionQuality(quality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Whether {@code bytes} is a PNG of {@code width} × {@code height}, by its header alone. */
  static boolean isPng(byte[] bytes, int width, int height) {
    return bytes.length >= 24
        && Arrays.equals(bytes, 0, 8, PNG_SIGNATURE, 0, 8)
        && ByteBuffer.wrap(bytes).getInt(16) == width
        && ByteBuffer.wrap(bytes).getInt(20) == height;
  }
}
