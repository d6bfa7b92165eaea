package dev.tessera.render.upscale;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.render.pipeline.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Stable Diffusion x4 upscaler ONNX bundle on disk: the Stable Diffusion layout ({@link
 * ModelBundle}) plus {@code low_res_scheduler/scheduler_config.json}, {@code max_noise_level} in
 * {@code model_index.json} and a ×4 VAE decoder ({@code vae_decoder/} or {@code vae/}) whose {@code
 * config.json} gives the scaling factor. Holds paths and JSON facts; loads no model.
 */
final class X4Bundle {
  /**
   * The x4 upscaler's VAE scaling factor, used when the VAE decoder's {@code config.json} does not
   * say.
   */
  static final double DEFAULT_SCALING_FACTOR = 0.08333;

  /** diffusers' {@code max_noise_level} default for the upscale pipeline. */
  static final int DEFAULT_MAX_NOISE_LEVEL = 350;

  static final String LOW_RES_SCHEDULER = "low_res_scheduler/scheduler_config.json";

  /** Pixels per latent along each axis of the ×4 VAE decoder. */
  static final int DECODER_SCALE = 4;

  private final ModelBundle files;
  private final int maxNoiseLevel;
  private final double scalingFactor;

  private X4Bundle(ModelBundle files, int maxNoiseLevel, double scalingFactor) {
    this.files = files;
    this.maxNoiseLevel = maxNoiseLevel;
    this.scalingFactor = scalingFactor;
  }

  /**
   * Opens the bundle at {@code dir}.
   *
   * @throws IOException naming the first missing or malformed file
   */
  static X4Bundle open(Path dir) throws IOException {
    ModelBundle files = ModelBundle.open(dir);
    if (!Files.isRegularFile(dir.resolve(LOW_RES_SCHEDULER))) {
      throw new IOException("x4 upscaler bundle " + dir + ": missing " + LOW_RES_SCHEDULER);
    }
    JsonNode level = files.index().get("max_noise_level");
    int maxNoiseLevel =
        level != null && level.canConvertToInt() ? level.intValue() : DEFAULT_MAX_NOISE_LEVEL;
    return new X4Bundle(files, maxNoiseLevel, files.scalingFactor(DEFAULT_SCALING_FACTOR));
  }

  ModelBundle files() {
    return files;
  }

  int maxNoiseLevel() {
    return maxNoiseLevel;
  }

  double scalingFactor() {
    return scalingFactor;
  }
}
