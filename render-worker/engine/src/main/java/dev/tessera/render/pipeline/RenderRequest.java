package dev.tessera.render.pipeline;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.schedule.Spacing;

/**
 * One render: the settings, an optional init image for img2img, and an optional timestep-spacing
 * override.
 *
 * @param init the img2img source (resized to the settings' size by the renderer) or null for
 *     text-to-image
 * @param strength img2img strength in (0, 1]: the share of the schedule that is run; ignored
 *     without {@code init}
 * @param spacing overrides the bundle's {@code timestep_spacing}; null keeps it
 */
public record RenderRequest(
    RenderSettings settings, RgbImage init, double strength, Spacing spacing) {
  /** A text-to-image request with the bundle's spacing. */
  public static RenderRequest of(RenderSettings settings) {
    return new RenderRequest(settings, null, 1.0, null);
  }
}
