package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderListener;
import java.io.IOException;

/**
 * Brings a rendered image to its delivery size. Model-backed upscalers load their networks once
 * when opened and are reused for every job; {@link #close()} releases them and is safe to call
 * twice. Jobs on one upscaler run one at a time; cancel one from another thread through its {@link
 * CancelToken}.
 */
public interface Upscaler extends AutoCloseable {
  UpscaleMode mode();

  /**
   * Whether the model is one of Tessera's untrained miniatures (they prove the pipeline, not the
   * pictures).
   */
  default boolean isMiniature() {
    return false;
  }

  /**
   * Checks settings before a job is rendered, so bad ones fail before any work is done.
   *
   * @throws dev.tessera.render.pipeline.UnsupportedRequestException naming the first bad setting
   */
  default void check(UpscaleSettings settings) {}

  /**
   * Upscales {@code image} to exactly {@code target}. Model upscalers run their model (×4 for x4)
   * and resample the result with Lanczos only when it is not already the target size.
   *
   * @param listener hears denoising steps (x4 only)
   * @throws dev.tessera.render.pipeline.UnsupportedRequestException when the settings or the image
   *     do not suit this upscaler
   * @throws dev.tessera.render.pipeline.RenderCancelledException when {@code cancel} was cancelled
   * @throws IOException when ONNX Runtime fails
   */
  Upscaled upscale(
      RgbImage image,
      TargetSize target,
      UpscaleSettings settings,
      RenderListener listener,
      CancelToken cancel)
      throws IOException;

  @Override
  void close();
}
