package dev.tessera.render.pipeline;

import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;

/**
 * The generation settings as one text in the layout Stable Diffusion web UIs write into a PNG's
 * {@code parameters} chunk and read back: the prompt, a {@code Negative prompt:} line, then {@code
 * key: value} pairs. LoRA adapters follow the prompt as A1111's {@code <lora:NAME:SCALE>} tags.
 */
final class GenerationParameters {
  private GenerationParameters() {}

  static String format(RenderRequest request, String model, boolean miniature, String spacing) {
    RenderSettings s = request.settings();
    StringBuilder out = new StringBuilder(s.prompt());
    // A1111 keeps adapters in the prompt as tags; a web UI that reads the text back re-applies
    // them.
    for (LoraRef lora : s.loras()) {
      out.append(" <lora:").append(lora.name()).append(':').append(lora.scale()).append('>');
    }
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
