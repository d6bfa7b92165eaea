package dev.tessera.render.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes 8-bit RGB PNGs with {@code tEXt} chunks (the generation settings go in {@code parameters}, where
 * Stable-Diffusion tools look for them). Output is deterministic: the same image and text give the same bytes.
 */
public final class PngWriter {
  private PngWriter() {}

  /** Writes {@code image} with the given text chunks (keyword → text, Latin-1) to {@code file}. */
  public static void write(RgbImage image, Map<String, String> text, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(image, text, out);
    }
  }

  /** Writes {@code image} with the given text chunks to {@code out}, leaving it open. */
  public static void write(RgbImage image, Map<String, String> text, OutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      var buffered = image.toBufferedImage();
      IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(buffered), null);
      String format = "javax_imageio_png_1.0";
      IIOMetadataNode textNode = new IIOMetadataNode("tEXt");
      for (Map.Entry<String, String> e : text.entrySet()) {
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", e.getKey());
        entry.setAttribute("value", e.getValue());
        textNode.appendChild(entry);
      }
      IIOMetadataNode root = new IIOMetadataNode(format);
      root.appendChild(textNode);
      metadata.mergeTree(format, root);
      writer.write(new IIOImage(buffered, null, metadata));
    } finally {
      writer.dispose();
    }
  }
}
