package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A farm model as A1111 lists a checkpoint ({@code GET /sdapi/v1/sd-models}). The farm's models are
 * bundle directories with no checkpoint file to hash, so {@code hash} and {@code sha256} are null,
 * as A1111 shows them before it has hashed a file; {@code title}, {@code model_name} and {@code
 * filename} are the model's name.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SdModel(
    String title, String modelName, String hash, String sha256, String filename, String config) {
  static SdModel of(String model) {
    return new SdModel(model, model, null, null, model, null);
  }

  /**
   * The farm model {@code overrideSettings.sd_model_checkpoint} names, as A1111 clients name a
   * checkpoint: its title or model name, perhaps with a file extension or a {@code [hash]} after
   * it; the default model (the first) when it names none.
   *
   * @throws SdApiException when the farm has no such model
   */
  static String checkpoint(Map<String, Object> overrideSettings, List<String> models) {
    Object asked = overrideSettings.get("sd_model_checkpoint");
    if (asked == null || asked.toString().isBlank()) {
      return models.get(0);
    }
    String name = asked.toString().replaceFirst("\\s*\\[[0-9a-fA-F]*]$", "");
    name = name.replaceFirst("\\.(safetensors|ckpt)$", "");
    String wanted = name;
    Optional<String> model = models.stream().filter(m -> m.equals(wanted)).findFirst();
    return model.orElseThrow(
        () ->
            SdApiException.invalid(
                "unknown checkpoint '" + asked + "'; this farm has " + String.join(", ", models),
                "override_settings",
                "sd_model_checkpoint"));
  }
}
