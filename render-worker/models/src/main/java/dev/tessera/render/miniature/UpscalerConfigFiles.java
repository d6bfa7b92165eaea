package dev.tessera.render.miniature;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.render.schedule.SchedulerConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * The JSON files of a miniature x4 upscaler bundle, laid out like {@link MiniatureConfigFiles}. The
 * schedules are those of stabilityai/stable-diffusion-x4-upscaler: its {@code scheduler} is DDIM
 * with v-prediction over {@code scaled_linear} betas 0.0001–0.02 ({@code steps_offset} 1, {@code
 * set_alpha_to_one} false), and its {@code low_res_scheduler} is DDPM over the same betas. Both are
 * {@code scaled_linear} because the original LDM config (x4-upscaling.yaml) gives {@code
 * linear_start}/{@code linear_end} to LDM's "linear" schedule, which interpolates √β, i.e.
 * diffusers' {@code scaled_linear}. {@code max_noise_level} 350 sits in {@code model_index.json},
 * as there.
 */
final class UpscalerConfigFiles {
  /** The highest noise level (low-res DDPM timestep) the upscaler was trained with. */
  static final int MAX_NOISE_LEVEL = 350;

  /** The x4 VAE's latent scaling factor, as text so that the JSON says exactly {@code 0.08333}. */
  static final String VAE_SCALING_FACTOR = "0.08333";

  /**
   * The latent size unet/config.json advertises: the real model was trained on 128×128 low-res
   * crops.
   */
  private static final int SAMPLE_SIZE = 128;

  private UpscalerConfigFiles() {}

  /**
   * @param disclaimer what the untrained bundle is, under {@code _tessera_miniature}
   */
  static void modelIndex(Path file, String disclaimer) throws IOException {
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_class_name", "OnnxStableDiffusionUpscalePipeline");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.put("_tessera_miniature", disclaimer);
    json.set("low_res_scheduler", MiniatureConfigFiles.pair("diffusers", "DDPMScheduler"));
    json.put("max_noise_level", MAX_NOISE_LEVEL);
    json.set("scheduler", MiniatureConfigFiles.pair("diffusers", "DDIMScheduler"));
    json.set("text_encoder", MiniatureConfigFiles.pair("diffusers", "OnnxRuntimeModel"));
    json.set("tokenizer", MiniatureConfigFiles.pair("transformers", "CLIPTokenizer"));
    json.set("unet", MiniatureConfigFiles.pair("diffusers", "OnnxRuntimeModel"));
    json.set("vae_decoder", MiniatureConfigFiles.pair("diffusers", "OnnxRuntimeModel"));
    MiniatureConfigFiles.write(file, json);
  }

  static void scheduler(Path file) throws IOException {
    MiniatureConfigFiles.write(file, scheduler());
  }

  /**
   * {@code low_res_scheduler/scheduler_config.json}: the DDPM schedule that noises the low-res
   * image.
   */
  static void lowResScheduler(Path file) throws IOException {
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_class_name", "DDPMScheduler");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.put("beta_end", new BigDecimal("0.02"));
    json.put("beta_schedule", "scaled_linear");
    json.put("beta_start", new BigDecimal("0.0001"));
    json.put("clip_sample", true);
    json.put("num_train_timesteps", 1000);
    json.put("prediction_type", "epsilon");
    json.putNull("trained_betas");
    json.put("variance_type", "fixed_small");
    MiniatureConfigFiles.write(file, json);
  }

  /** The denoising schedule the bundle's scheduler config describes, for networks that need ᾱ. */
  static SchedulerConfig denoisingSchedule() {
    try {
      return SchedulerConfig.parse(MiniatureConfigFiles.MAPPER.writeValueAsString(scheduler()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the scheduler config", e);
    }
  }

  private static ObjectNode scheduler() {
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_class_name", "DDIMScheduler");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.put("beta_end", new BigDecimal("0.02"));
    json.put("beta_schedule", "scaled_linear");
    json.put("beta_start", new BigDecimal("0.0001"));
    json.put("clip_sample", false);
    json.put("num_train_timesteps", 1000);
    json.put("prediction_type", "v_prediction");
    json.put("set_alpha_to_one", false);
    json.put("skip_prk_steps", true);
    json.put("steps_offset", 1);
    json.putNull("trained_betas");
    return json;
  }

  static void unet(Path file, MiniatureSpec spec) throws IOException {
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_class_name", "UNet2DConditionModel");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.set("block_out_channels", MiniatureConfigFiles.ints(MiniatureUnet.CHANNELS));
    json.put("cross_attention_dim", spec.text().hiddenSize());
    json.put("in_channels", spec.unet().inChannels());
    json.put("num_class_embeds", MiniatureUnet.NUM_CLASS_EMBEDS);
    json.put("out_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("sample_size", SAMPLE_SIZE);
    MiniatureConfigFiles.write(file, json);
  }

  static void vae(Path file) throws IOException {
    ObjectNode json = MiniatureConfigFiles.MAPPER.createObjectNode();
    json.put("_class_name", "AutoencoderKL");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.put("act_fn", "silu");
    json.set(
        "block_out_channels",
        MiniatureConfigFiles.ints(MiniatureUpscalerDecoder.BLOCK_OUT_CHANNELS));
    json.put("in_channels", 3);
    json.put("latent_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("out_channels", 3);
    json.put("sample_size", SAMPLE_SIZE * MiniatureUpscalerDecoder.SCALE);
    json.put("scaling_factor", new BigDecimal(VAE_SCALING_FACTOR));
    MiniatureConfigFiles.write(file, json);
  }
}
