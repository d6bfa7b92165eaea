package dev.tessera.render.pipeline;

import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import dev.tessera.render.schedule.Spacing;
import java.util.List;

/**
 * What renders must share to be denoised in one UNet batch: the same latent size, the same
 * timesteps (scheduler, steps, Karras sigmas, spacing), the same networks (adapters) and the same
 * number of guidance halves. Seeds, prompts and guidance scales may differ. Image-to-image renders
 * never batch ({@link #of} gives null).
 */
public record BatchKey(
    int width,
    int height,
    int steps,
    String scheduler,
    boolean karras,
    Spacing spacing,
    List<LoraRef> loras,
    boolean guided) {

  /** The key of {@code request}, or null when it renders only alone (img2img). */
  public static BatchKey of(RenderRequest request) {
    if (request.init() != null) {
      return null;
    }
    RenderSettings s = request.settings().withDefaults();
    return new BatchKey(
        s.width(),
        s.height(),
        s.steps(),
        s.scheduler(),
        s.karras(),
        request.spacing(),
        s.loras(),
        Guidance.enabled(s.guidance()));
  }
}
