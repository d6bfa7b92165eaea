package dev.tessera.render.quality;

import dev.tessera.render.image.AreaDownscale;
import dev.tessera.render.image.ImageQuality;
import dev.tessera.render.image.RgbImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality measurement: each photo (centre-cropped to at most {@code crop} pixels a side, then
 * to a multiple of the scale) is shrunk {@code scale} times with area averaging, brought back to
 * its size by every method, and compared with the original on luma (PSNR and SSIM, {@link
 * ImageQuality}, a border of {@code scale} pixels left out). Stateless.
 */
public final class QualityRun {
  private QualityRun() {}

  /** One way back up: the low-res image to {@code width × height}. */
  @FunctionalInterface
  public interface Method {
    RgbImage upscale(RgbImage lowRes, int width, int height) throws IOException;
  }

  /** A method's score on one photo, and the time it took. */
  public record Score(double psnr, double ssim, long nanos, long pixelsOut) {}

  /** Every photo's score under every method, in the order given. */
  public record Result(
      int scale, List<String> photos, List<String> sizes, Map<String, List<Score>> scores) {
    /** The mean PSNR of {@code method} over the photos. */
    public double meanPsnr(String method) {
      return scores.get(method).stream().mapToDouble(Score::psnr).average().orElse(Double.NaN);
    }

    /** The mean SSIM of {@code method} over the photos. */
    public double meanSsim(String method) {
      return scores.get(method).stream().mapToDouble(Score::ssim).average().orElse(Double.NaN);
    }

    /** Milliseconds per megapixel of output of {@code method}, over all photos. */
    public double msPerMegapixel(String method) {
      long nanos = scores.get(method).stream().mapToLong(Score::nanos).sum();
      long pixels = scores.get(method).stream().mapToLong(Score::pixelsOut).sum();
      return nanos / 1e6 / (pixels / 1e6);
    }
  }

  /**
   * Measures {@code methods} (by name, in order) on {@code photos}.
   *
   * @param crop the largest side kept of a photo (its centre), 0 for the whole photo
   * @throws IllegalArgumentException when a photo is smaller than 16 times the scale
   */
  public static Result measure(List<Photo> photos, int scale, int crop, Map<String, Method> methods)
      throws IOException {
    Map<String, List<Score>> scores = new LinkedHashMap<>();
    methods.keySet().forEach(name -> scores.put(name, new ArrayList<>()));
    List<String> names = new ArrayList<>();
    List<String> sizes = new ArrayList<>();
    for (Photo photo : photos) {
      RgbImage original = AreaDownscale.cropToMultiple(centre(photo.image(), crop), scale);
      if (original.width() < 16 * scale || original.height() < 16 * scale) {
        throw new IllegalArgumentException(
            photo.name()
                + " is "
                + original.width()
                + "x"
                + original.height()
                + "; at scale "
                + scale
                + " a photo needs at least "
                + 16 * scale
                + " pixels a side");
      }
      RgbImage lowRes = AreaDownscale.by(original, scale);
      names.add(photo.name());
      sizes.add(original.width() + "x" + original.height());
      for (Map.Entry<String, Method> method : methods.entrySet()) {
        long t0 = System.nanoTime();
        RgbImage back = method.getValue().upscale(lowRes, original.width(), original.height());
        long nanos = System.nanoTime() - t0;
        scores
            .get(method.getKey())
            .add(
                new Score(
                    ImageQuality.psnr(original, back, scale),
                    ImageQuality.ssim(original, back, scale),
                    nanos,
                    (long) back.width() * back.height()));
      }
    }
    return new Result(scale, names, sizes, scores);
  }

  /** The centre of {@code image}, at most {@code side} pixels a side; all of it for 0. */
  static RgbImage centre(RgbImage image, int side) {
    if (side <= 0 || (image.width() <= side && image.height() <= side)) {
      return image;
    }
    int w = Math.min(side, image.width());
    int h = Math.min(side, image.height());
    return AreaDownscale.crop(image, (image.width() - w) / 2, (image.height() - h) / 2, w, h);
  }
}
