package dev.tessera.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * OpenAI's answer to an image generation: when it was made (Unix seconds), and each image, as a URL
 * or as base64, with the prompt it was rendered from.
 */
public record ImagesResponse(long created, List<Image> data) {
  /** One image: {@code url} or {@code b64_json}, the other left out. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Image(String url, String b64Json, String revisedPrompt) {}
}
