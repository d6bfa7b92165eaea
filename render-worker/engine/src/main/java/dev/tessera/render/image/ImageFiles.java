package dev.tessera.render.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reads PNG and JPEG files (and whatever else ImageIO reads) as 8-bit RGB. Stateless. */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * The picture in {@code file}, converted to RGB (grey and palette images included).
   *
   * @throws IOException naming the file when it is missing or not an image ImageIO reads
   */
  public static RgbImage read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no image file at " + file);
    }
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read an image from " + file + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new IOException("cannot read an image from " + file + ": not a PNG or JPEG");
    }
    return RgbImage.of(image, image.getWidth(), image.getHeight());
  }

  /** Whether {@code file}'s name ends in .png, .jpg or .jpeg (any case). */
  public static boolean isPngOrJpeg(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
  }
}
