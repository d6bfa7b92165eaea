package dev.tessera.gateway.compat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * An encoding a compatibility API may answer with. The gateway encodes with ImageIO, which writes
 * PNG and JPEG; WebP only where an ImageIO plugin that writes it is on the classpath (none is
 * shipped: {@link #writable()} says).
 */
public enum ImageFormat {
  PNG("png", "image/png"),
  JPEG("jpeg", "image/jpeg"),
  WEBP("webp", "image/webp");

  private final String wireName;
  private final String mediaType;

  ImageFormat(String wireName, String mediaType) {
    this.wireName = wireName;
    this.mediaType = mediaType;
  }

  /** The name clients use, also the file extension and ImageIO's format name. */
  public String wireName() {
    return wireName;
  }

  public String mediaType() {
    return mediaType;
  }

  /** Whether an ImageIO writer for this format is on the classpath. */
  public boolean writable() {
    return ImageIO.getImageWritersByFormatName(wireName).hasNext();
  }

  /** The format with this wire name (any case), if any. */
  public static Optional<ImageFormat> named(String name) {
    return Arrays.stream(values())
        .filter(f -> f.wireName.equals(name.toLowerCase(Locale.ROOT)))
        .findFirst();
  }
}
