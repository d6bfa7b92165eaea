package dev.tessera.gateway.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The preview's size: the image's aspect, 256 px on its long side, never enlarged. */
class ThumbnailsTest {
  @Test
  void theLongSideBecomes256AndTheAspectStays() {
    assertArrayEquals(new int[] {256, 256}, Thumbnails.fit(2048, 2048));
    assertArrayEquals(new int[] {256, 146}, Thumbnails.fit(2048, 1170));
    assertArrayEquals(new int[] {171, 256}, Thumbnails.fit(512, 768));
    assertArrayEquals(new int[] {256, 1}, Thumbnails.fit(4096, 8));
  }

  @Test
  void aSmallImageIsNotEnlarged() {
    assertArrayEquals(new int[] {64, 128}, Thumbnails.fit(64, 128));
  }

  @Test
  void theSizeIsReadFromThePngHeader() throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1365, 2048, BufferedImage.TYPE_INT_RGB), "png", png);
    assertArrayEquals(new int[] {171, 256}, Thumbnails.previewSize(png.toByteArray()));
  }

  @Test
  void whatIsNotAPngIsRefused() {
    assertThrows(IOException.class, () -> Thumbnails.previewSize(new byte[] {1, 2, 3}));
    assertThrows(IOException.class, () -> Thumbnails.previewSize(new byte[40]));
    assertThrows(IllegalArgumentException.class, () -> Thumbnails.fit(0, 10));
  }
}
