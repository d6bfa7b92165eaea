package dev.tessera.render.upscale;

import dev.tessera.render.image.Lanczos;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderListener;

/**
 * Lanczos resampling straight to the target: the baseline the model upscalers are compared with.
 * Holds nothing.
 */
public final class LanczosUpscaler implements Upscaler {
  private volatile boolean closed;

  @Override
  public UpscaleMode mode() {
    return UpscaleMode.LANCZOS;
  }

  @Override
  public Upscaled upscale(
      RgbImage image,
      TargetSize target,
      UpscaleSettings settings,
      RenderListener listener,
      CancelToken cancel) {
    if (closed) {
      throw new IllegalStateException("lanczos upscaler is closed");
    }
    cancel.check();
    return new Upscaled(
        fit(image, target),
        0,
        "lanczos " + size(image) + " to " + target,
        "Upscaler: lanczos, Upscaled size: " + target);
  }

  /** {@code image} itself when it has the target size, else resampled to it with Lanczos. */
  static RgbImage fit(RgbImage image, TargetSize target) {
    return target.matches(image) ? image : Lanczos.resize(image, target.width(), target.height());
  }

  /**
   * What {@link #fit} does, for a model upscaler's detail: empty, or {@code , lanczos 768x768 to
   * 512x512}.
   */
  static String fitNote(RgbImage image, TargetSize target) {
    return target.matches(image) ? "" : ", lanczos " + size(image) + " to " + target;
  }

  private static String size(RgbImage image) {
    return image.width() + "x" + image.height();
  }

  /**
   * Holds no native resource; closing only makes later use fail loudly, as for the model upscalers.
   */
  @Override
  public void close() {
    closed = true;
  }
}
