package dev.tessera.gateway.api;

import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A LoRA adapter as a client names it in a job. */
@Schema(name = "Lora", description = "A LoRA adapter to render with, and how strongly.")
public record LoraRequest(
    @Schema(
            required = true,
            description =
                "The adapter: <name>.safetensors in the workers' adapter directory or under"
                    + " models/loras/ in the farm's bucket. Letters, digits, '.', '_', '-'.",
            examples = "film-grain")
        String name,
    @Schema(
            description =
                "Strength: 0 leaves the model as it is, 1 as trained, negative steers away.",
            minimum = "-" + (int) RenderSettings.MAX_LORA_SCALE,
            maximum = "" + (int) RenderSettings.MAX_LORA_SCALE,
            defaultValue = "1")
        Double scale) {
  /** The strength of an adapter that names none. */
  public static final double DEFAULT_SCALE = 1.0;

  /** The adapter as the render settings carry it, the default scale filled in. */
  public LoraRef toRef() {
    return new LoraRef(name, scale == null ? DEFAULT_SCALE : scale);
  }

  /** The request that asks for {@code ref}. */
  public static LoraRequest of(LoraRef ref) {
    return new LoraRequest(ref.name(), ref.scale());
  }
}
