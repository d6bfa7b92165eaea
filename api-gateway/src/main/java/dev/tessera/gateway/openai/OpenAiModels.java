package dev.tessera.gateway.openai;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The farm's models under OpenAI's API. A request may name a farm model, or one of OpenAI's image
 * models ({@value #ALIASES_TEXT}), which mean the farm's default model so that code written for
 * OpenAI runs unchanged. Thread-safe.
 */
final class OpenAiModels {
  private static final String ALIASES_TEXT = "dall-e-2, dall-e-3, gpt-image-1";
  private static final Set<String> ALIASES = Set.of("dall-e-2", "dall-e-3", "gpt-image-1");

  /** The model OpenAI answers only in base64, whatever response_format says. */
  static final String BASE64_ONLY = "gpt-image-1";

  private final List<String> farmModels;
  private final long created;

  /**
   * @param farmModels the models jobs may ask for, the default first
   * @param created what {@code created} shows for every model (Unix seconds)
   */
  OpenAiModels(List<String> farmModels, long created) {
    this.farmModels = List.copyOf(farmModels);
    this.created = created;
  }

  /**
   * The farm model {@code requested} names; the default when it names none or an OpenAI model.
   *
   * @throws OpenAiException naming {@code model} when the farm has no such model
   */
  String farmModel(String requested) {
    if (requested == null || ALIASES.contains(requested)) {
      return farmModels.get(0);
    }
    if (!farmModels.contains(requested)) {
      throw OpenAiException.invalid(
          "model",
          "The model '"
              + requested
              + "' does not exist; this farm has "
              + String.join(", ", farmModels)
              + " (and takes "
              + ALIASES_TEXT
              + " for the first)");
    }
    return requested;
  }

  ModelList list() {
    return ModelList.of(farmModels.stream().map(id -> ModelList.Model.of(id, created)).toList());
  }

  Optional<ModelList.Model> find(String id) {
    return farmModels.contains(id)
        ? Optional.of(ModelList.Model.of(id, created))
        : Optional.empty();
  }
}
