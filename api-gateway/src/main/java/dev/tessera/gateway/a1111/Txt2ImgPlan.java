package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.compat.JobRequests;
import dev.tessera.gateway.compat.LoraTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A txt2img request, checked and turned into the farm's terms: one job per image ({@code
 * batch_size} × {@code n_iter}, at most {@value #MAX_IMAGES}), with consecutive seeds as A1111
 * gives a batch, and what the answer reports about them.
 *
 * @param request as sent, with A1111's defaults
 * @param seeds each image's seed, in order
 */
record Txt2ImgPlan(
    Txt2ImgRequest request,
    String model,
    SdSampler sampler,
    boolean karras,
    HiresFix hires,
    List<Long> seeds) {
  static final int MAX_IMAGES = 10;

  /**
   * {@code sent} (with defaults) checked against the farm's {@code models}.
   *
   * @param seeds draws the first seed when the request asks for a random one (-1)
   * @throws SdApiException naming the field at fault; 404 for an unknown sampler, as A1111
   */
  static Txt2ImgPlan of(Txt2ImgRequest sent, List<String> models, LongSupplier seeds) {
    Txt2ImgRequest request = sent.withDefaults();
    if (request.batchSize() < 1) {
      throw SdApiException.invalid("must be at least 1", "batch_size");
    }
    if (request.nIter() < 1) {
      throw SdApiException.invalid("must be at least 1", "n_iter");
    }
    int images = request.batchSize() * request.nIter();
    if (images > MAX_IMAGES) {
      throw SdApiException.invalid(
          "batch_size × n_iter must be at most " + MAX_IMAGES + ", got " + images, "batch_size");
    }
    SdSampler sampler =
        SdSampler.named(request.sampler())
            .orElseThrow(() -> SdApiException.http(404, "Sampler not found"));
    boolean karras =
        sampler.karras()
            || SdSampler.karrasScheduler(request.scheduler())
                .orElseThrow(
                    () ->
                        SdApiException.invalid(
                            "unknown scheduler '"
                                + request.scheduler()
                                + "'; this farm offers Automatic and Karras",
                            "scheduler"));
    String model = SdModel.checkpoint(request.overrideSettings(), models);
    long first = request.seed() == -1 ? seeds.getAsLong() : request.seed();
    List<Long> allSeeds = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      allSeeds.add(first + i);
    }
    return new Txt2ImgPlan(request, model, sampler, karras, HiresFix.of(request), allSeeds);
  }

  /** The farm's job for each image, in order. */
  List<JobRequest> jobs() {
    LoraTags.Parsed prompt = LoraTags.parse(request.prompt());
    return seeds.stream()
        .map(
            seed ->
                JobRequests.render(
                    model,
                    prompt.prompt(),
                    request.negativePrompt(),
                    seed,
                    request.steps(),
                    request.cfgScale(),
                    sampler.farmScheduler(),
                    karras,
                    request.width(),
                    request.height(),
                    hires.upscale(),
                    prompt.loras()))
        .toList();
  }

  /** The request's field a farm field is about, as A1111 names it. */
  static String[] field(String farmField) {
    if (farmField.startsWith("loras")) {
      return new String[] {"prompt"}; // <lora:NAME:SCALE> tags in the prompt
    }
    return switch (farmField) {
      case "guidance" -> new String[] {"cfg_scale"};
      case "scheduler" -> new String[] {"sampler_name"};
      case "karras" -> new String[] {"scheduler"};
      case "model" -> new String[] {"override_settings", "sd_model_checkpoint"};
      default -> new String[] {farmField};
    };
  }

  /** {@code sent} with A1111's defaults for the fields the farm honours, as A1111 echoes it. */
  ObjectNode parameters(ObjectNode sent, ObjectMapper mapper) {
    ObjectNode parameters = sent.deepCopy();
    mapper
        .valueToTree(request)
        .properties()
        .forEach(f -> parameters.putIfAbsent(f.getKey(), f.getValue()));
    return parameters;
  }

  /**
   * A1111's {@code info}: the generation's settings, seeds and infotexts, and the farm's job ids.
   */
  Map<String, Object> info(List<UUID> jobIds, String timestamp) {
    List<String> infotexts = seeds.stream().map(this::infotext).toList();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("prompt", request.prompt());
    info.put("all_prompts", seeds.stream().map(s -> request.prompt()).toList());
    info.put("negative_prompt", request.negativePrompt());
    info.put("all_negative_prompts", seeds.stream().map(s -> request.negativePrompt()).toList());
    info.put("seed", seeds.get(0));
    info.put("all_seeds", seeds);
    info.put("width", request.width());
    info.put("height", request.height());
    info.put("sampler_name", sampler.name());
    info.put("scheduler", karras ? "Karras" : "Automatic");
    info.put("cfg_scale", request.cfgScale());
    info.put("steps", request.steps());
    info.put("batch_size", request.batchSize());
    info.put("sd_model_name", model);
    info.put("index_of_first_image", 0);
    info.put("infotexts", infotexts);
    info.put("job_timestamp", timestamp);
    info.put("job_ids", jobIds);
    return info;
  }

  /** The settings of one image, in the text form A1111 writes and reads back. */
  private String infotext(long seed) {
    StringBuilder text = new StringBuilder(request.prompt());
    if (!request.negativePrompt().isEmpty()) {
      text.append("\nNegative prompt: ").append(request.negativePrompt());
    }
    text.append("\nSteps: ")
        .append(request.steps())
        .append(", Sampler: ")
        .append(sampler.name())
        .append(", Schedule type: ")
        .append(karras ? "Karras" : "Automatic")
        .append(", CFG scale: ")
        .append(request.cfgScale())
        .append(", Seed: ")
        .append(seed)
        .append(", Size: ")
        .append(request.width())
        .append('x')
        .append(request.height())
        .append(", Model: ")
        .append(model);
    if (!"none".equals(hires.upscale())) {
      text.append(", Hires resize: ")
          .append(hires.width())
          .append('x')
          .append(hires.height())
          .append(", Hires upscaler: ")
          .append(request.hrUpscaler() == null ? "Latent" : request.hrUpscaler());
    }
    return text.toString();
  }
}
