package dev.tessera.render.pipeline;

import dev.tessera.common.RenderSettings;

/**
 * The generation settings as one text in the layout Stable Diffusion web UIs write into a PNG's
 * {@code parameters} chunk and read back: the prompt, a {@code Negative prompt:} line, then {@code
 * key: value} pairs.
 */
final class GenerationParameters {
  private GenerationParameters() {}

  static String format(RenderRequest request, String model, boolean miniature, String spacing) {
    RenderSettings s = request.settings();
    StringBuilder out = new StringBuilder(s.prompt());
    if (!s.negativePrompt().isEmpty()) {
      out.append("\nNegative prompt: ").append(s.negativePrompt());
    }
    out.append("\nSteps: ")
        .append(s.steps())
        .append(", Sampler: ")
        .append(s.scheduler())
        .append(s.karras() ? ", Schedule type: Karras" : "")
        .append(", Spacing: ")
        .append(spacing)
        .append(", CFG scale: ")
        .append(s.guidance())
        .append(", Seed: ")
        .append(s.seed())
        .append(", Size: ")
        .append(s.width())
        .append('x')
        .append(s.height())
        .append(", Model: ")
        .append(model)
        .append(miniature ? " (untrained miniature)" : "");
    if (request.init() != null) {
      out.append(", Denoising strength: ").append(request.strength());
    }
    return out.append(", Noise: torch-cpu-mt19937").toString();
  }
}
