package dev.tessera.gateway.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageFitTest {
  @Test
  void aPngOfTheAskedSizeIsAnsweredAsItIs() throws Exception {
    byte[] png = png(stripes(64, 32));
    assertSame(png, ImageFit.deliver(png, 64, 32, ImageFormat.PNG, 1f));
    assertTrue(ImageFit.isPng(png, 64, 32));
    assertFalse(ImageFit.isPng(png, 32, 64));
  }

  @Test
  void theImageCoversTheAskedSizeAndItsCentreIsKept() throws Exception {
    // Red, green, blue thirds: a square cut from the middle is all green.
    BufferedImage fitted =
        ImageIO.read(
            new ByteArrayInputStream(
                ImageFit.deliver(png(stripes(600, 200)), 100, 100, ImageFormat.PNG, 1f)));
    assertEquals(100, fitted.getWidth());
    assertEquals(100, fitted.getHeight());
    for (int x : new int[] {5, 50, 94}) {
      Color c = new Color(fitted.getRGB(x, 50));
      assertTrue(
          c.getGreen() > 200 && c.getRed() < 40 && c.getBlue() < 40, "green at " + x + ": " + c);
    }
  }

  @Test
  void anUpscaledLandscapeIsBroughtToOpenAisSize() {
    // What the farm delivers for a 768x512 render upscaled to 2048 on its long side.
    BufferedImage fitted = ImageFit.fit(stripes(2048, 1365), 1536, 1024);
    assertEquals(1536, fitted.getWidth());
    assertEquals(1024, fitted.getHeight());
  }

  @Test
  void jpegIsEncodedAtTheGivenQuality() throws Exception {
    byte[] png = png(stripes(512, 512));
    byte[] high = ImageFit.deliver(png, 256, 256, ImageFormat.JPEG, 1f);
    byte[] low = ImageFit.deliver(png, 256, 256, ImageFormat.JPEG, 0.2f);
    assertEquals((byte) 0xff, high[0]);
    assertEquals((byte) 0xd8, high[1]);
    assertTrue(low.length < high.length, low.length + " < " + high.length);
    assertEquals(256, ImageIO.read(new ByteArrayInputStream(low)).getWidth());
  }

  @Test
  void imageIoWritesPngAndJpegButNoWebpHere() {
    assertTrue(ImageFormat.PNG.writable());
    assertTrue(ImageFormat.JPEG.writable());
    assertFalse(ImageFormat.WEBP.writable());
  }

  private static BufferedImage stripes(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
    for (int i = 0; i < 3; i++) {
      g.setColor(colors[i]);
      g.fillRect(i * width / 3, 0, width / 3 + 1, height);
    }
    g.dispose();
    return image;
  }

  private static byte[] png(BufferedImage image) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
