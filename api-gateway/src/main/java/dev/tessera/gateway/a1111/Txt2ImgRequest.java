package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * The fields of A1111's {@code POST /sdapi/v1/txt2img} body that the farm honours; null where the
 * client sent none ({@link #withDefaults} fills in A1111's). Every other field A1111 takes ({@code
 * styles}, {@code restore_faces}, {@code tiling}, {@code subseed}, {@code denoising_strength},
 * {@code script_args}, {@code alwayson_scripts}, ...) and any unknown one is ignored, as A1111
 * ignores fields it does not know.
 *
 * @param overrideSettings only {@code sd_model_checkpoint} is read: the model to render with
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Txt2ImgRequest(
    String prompt,
    String negativePrompt,
    Long seed,
    Integer steps,
    Double cfgScale,
    String samplerName,
    String samplerIndex,
    String scheduler,
    Integer width,
    Integer height,
    Integer batchSize,
    Integer nIter,
    Boolean enableHr,
    Double hrScale,
    String hrUpscaler,
    Integer hrResizeX,
    Integer hrResizeY,
    Map<String, Object> overrideSettings,
    Boolean sendImages) {

  /** This request with A1111's API defaults where a field is missing (e.g. 50 steps, CFG 7). */
  Txt2ImgRequest withDefaults() {
    return new Txt2ImgRequest(
        or(prompt, ""),
        or(negativePrompt, ""),
        or(seed, -1L),
        or(steps, 50),
        or(cfgScale, 7.0),
        samplerName,
        or(samplerIndex, "Euler"),
        scheduler,
        or(width, 512),
        or(height, 512),
        or(batchSize, 1),
        or(nIter, 1),
        or(enableHr, false),
        or(hrScale, 2.0),
        hrUpscaler,
        or(hrResizeX, 0),
        or(hrResizeY, 0),
        or(overrideSettings, Map.of()),
        or(sendImages, true));
  }

  /** The sampler asked for: {@code sampler_name}, else the older {@code sampler_index}. */
  String sampler() {
    return samplerName != null && !samplerName.isEmpty() ? samplerName : samplerIndex;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
