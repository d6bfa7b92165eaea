package dev.tessera.render.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * The settings of a diffusers {@code scheduler/scheduler_config.json} that the schedulers of this
 * package use. Immutable. Keys absent from the file (or {@code null} there) take diffusers'
 * constructor defaults; keys this package does not use are ignored.
 *
 * @param className {@code _class_name}, the scheduler the bundle was exported with; {@code null} if
 *     absent
 * @param numTrainTimesteps {@code num_train_timesteps} (default 1000)
 * @param betaStart {@code beta_start} (default 0.0001)
 * @param betaEnd {@code beta_end} (default 0.02)
 * @param betaSchedule {@code beta_schedule} (default linear)
 * @param predictionType {@code prediction_type} (default epsilon)
 * @param timestepSpacing {@code timestep_spacing}; {@code null} when absent, meaning each
 *     scheduler's own default (see {@link Schedulers})
 * @param stepsOffset {@code steps_offset}, added to {@code leading} timesteps (default 0)
 * @param setAlphaToOne {@code set_alpha_to_one}: DDIM's final ᾱ is 1 instead of ᾱ₀ (default true)
 * @param useKarrasSigmas {@code use_karras_sigmas} (default false); ignored by DDIM, like diffusers
 * @param clipSample {@code clip_sample}: DDIM clamps its x₀ prediction (default true, as diffusers'
 *     DDIM)
 * @param clipSampleRange {@code clip_sample_range}, the clamp bound (default 1.0)
 */
public record SchedulerConfig(
    String className,
    int numTrainTimesteps,
    double betaStart,
    double betaEnd,
    BetaSchedule betaSchedule,
    PredictionType predictionType,
    Spacing timestepSpacing,
    int stepsOffset,
    boolean setAlphaToOne,
    boolean useKarrasSigmas,
    boolean clipSample,
    double clipSampleRange) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_SOURCE = "scheduler_config.json";

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException naming the key (in its {@code scheduler_config.json} spelling)
   *     of a bad value
   */
  public SchedulerConfig {
    if (numTrainTimesteps < 2) {
      throw new IllegalArgumentException(
          "num_train_timesteps must be at least 2, got " + numTrainTimesteps);
    }
    requireBeta("beta_start", betaStart);
    requireBeta("beta_end", betaEnd);
    if (betaSchedule == null) {
      throw new IllegalArgumentException("beta_schedule is required");
    }
    if (predictionType == null) {
      throw new IllegalArgumentException("prediction_type is required");
    }
    if (stepsOffset < 0) {
      throw new IllegalArgumentException("steps_offset must not be negative, got " + stepsOffset);
    }
    if (!(clipSampleRange > 0)) {
      throw new IllegalArgumentException(
          "clip_sample_range must be positive, got " + clipSampleRange);
    }
  }

  /**
   * Reads a {@code scheduler_config.json} file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the content is not a JSON object or a value is bad; the
   *     message names the file and the key
   */
  public static SchedulerConfig read(Path schedulerConfigJson) throws IOException {
    return parse(Files.readString(schedulerConfigJson), schedulerConfigJson.toString());
  }

  /**
   * Parses the text of a {@code scheduler_config.json}.
   *
   * @throws IllegalArgumentException if the text is not a JSON object or a value is bad; the
   *     message names the problem and the key
   */
  public static SchedulerConfig parse(String json) {
    return parse(json, DEFAULT_SOURCE);
  }

  private static SchedulerConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          source
              + ": malformed JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    }
    if (root == null || !root.isObject()) {
      String found =
          root == null || root.isMissingNode()
              ? "nothing"
              : root.getNodeType().toString().toLowerCase(Locale.ROOT);
      throw new IllegalArgumentException(source + ": expected a JSON object, got " + found);
    }
    try {
      return fromFields(new Fields(root));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static SchedulerConfig fromFields(Fields fields) {
    fields.rejectPresent(
        "trained_betas",
        "explicit betas are not supported; give beta_start, beta_end and beta_schedule instead");
    if (fields.bool("rescale_betas_zero_snr", false)) {
      throw new IllegalArgumentException("rescale_betas_zero_snr true is not supported");
    }
    return new SchedulerConfig(
        fields.string("_class_name", null, Function.identity()),
        fields.integer("num_train_timesteps", 1000),
        fields.number("beta_start", 0.0001),
        fields.number("beta_end", 0.02),
        fields.string("beta_schedule", BetaSchedule.LINEAR, BetaSchedule::parse),
        fields.string("prediction_type", PredictionType.EPSILON, PredictionType::parse),
        fields.string("timestep_spacing", null, SchedulerConfig::parseSpacing),
        fields.integer("steps_offset", 0),
        fields.bool("set_alpha_to_one", true),
        fields.bool("use_karras_sigmas", false),
        fields.bool("clip_sample", true),
        fields.number("clip_sample_range", 1.0));
  }

  private static Spacing parseSpacing(String value) {
    try {
      return Spacing.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "timestep_spacing '" + value + "' is not one of " + Spacing.allowedValues(), e);
    }
  }

  private static void requireBeta(String key, double beta) {
    if (!(beta > 0 && beta < 1)) {
      throw new IllegalArgumentException(key + " must be in (0, 1), got " + beta);
    }
  }

  /** Typed access to the keys of one config object; a wrong JSON type is reported with the key. */
  private record Fields(JsonNode root) {

    private JsonNode present(String key) {
      JsonNode node = root.get(key);
      return node == null || node.isNull() ? null : node;
    }

    void rejectPresent(String key, String why) {
      if (present(key) != null) {
        throw new IllegalArgumentException(key + ": " + why);
      }
    }

    int integer(String key, int fallback) {
      JsonNode node = present(key);
      if (node == null) {
        return fallback;
      }
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw wrongType(key, "an integer", node);
      }
      return node.intValue();
    }

    double number(String key, double fallback) {
      JsonNode node = present(key);
      if (node == null) {
        return fallback;
      }
      if (!node.isNumber()) {
        throw wrongType(key, "a number", node);
      }
      return node.doubleValue();
    }

    boolean bool(String key, boolean fallback) {
      JsonNode node = present(key);
      if (node == null) {
        return fallback;
      }
      if (!node.isBoolean()) {
        throw wrongType(key, "true or false", node);
      }
      return node.booleanValue();
    }

    <T> T string(String key, T fallback, Function<String, T> parser) {
      JsonNode node = present(key);
      if (node == null) {
        return fallback;
      }
      if (!node.isTextual()) {
        throw wrongType(key, "a string", node);
      }
      return parser.apply(node.textValue());
    }

    private IllegalArgumentException wrongType(String key, String expected, JsonNode node) {
      return new IllegalArgumentException(key + " must be " + expected + ", got " + node);
    }
  }
}
