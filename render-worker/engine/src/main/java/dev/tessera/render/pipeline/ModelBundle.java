package dev.tessera.render.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Stable Diffusion ONNX bundle on disk in the diffusers/optimum layout ({@code model_index.json},
 * {@code scheduler/}, {@code tokenizer/}, {@code text_encoder/}, {@code unet/}, {@code vae_decoder/},
 * optionally {@code vae_encoder/}). Holds paths and the small JSON facts; loads no model.
 */
public final class ModelBundle {
  /** The VAE latent scale of SD 1.x and 2.x, used when {@code vae_decoder/config.json} does not say. */
  public static final double DEFAULT_SCALING_FACTOR = 0.18215;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] REQUIRED = {
    "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
    "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx"
  };

  private final Path dir;
  private final JsonNode index;

  private ModelBundle(Path dir, JsonNode index) {
    this.dir = dir;
    this.index = index;
  }

  /**
   * Opens the bundle at {@code dir}, checking that every required file is present.
   *
   * @throws IOException naming the first missing or malformed file
   */
  public static ModelBundle open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("model bundle " + dir + ": no such directory");
    }
    for (String file : REQUIRED) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw new IOException("model bundle " + dir + ": missing " + file);
      }
    }
    return new ModelBundle(dir, readJson(dir, "model_index.json"));
  }

  private static JsonNode readJson(Path dir, String file) throws IOException {
    try {
      JsonNode node = JSON.readTree(dir.resolve(file).toFile());
      if (node == null || !node.isObject()) {
        throw new IOException(file + ": not a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** A path inside the bundle, e.g. {@code resolve("unet/model.onnx")}. */
  public Path resolve(String relative) {
    return dir.resolve(relative);
  }

  /** Whether the bundle has a {@code vae_encoder}, which img2img needs. */
  public boolean hasVaeEncoder() {
    return Files.isRegularFile(dir.resolve("vae_encoder/model.onnx"));
  }

  /** The VAE latent scaling factor from {@code vae_decoder/config.json}, else {@value #DEFAULT_SCALING_FACTOR}. */
  public double scalingFactor() throws IOException {
    return scalingFactor(DEFAULT_SCALING_FACTOR);
  }

  /** The VAE latent scaling factor from {@code vae_decoder/config.json}, else {@code fallback}. */
  public double scalingFactor(double fallback) throws IOException {
    if (!Files.isRegularFile(dir.resolve("vae_decoder/config.json"))) {
      return fallback;
    }
    JsonNode factor = readJson(dir, "vae_decoder/config.json").get("scaling_factor");
    return factor != null && factor.isNumber() ? factor.asDouble() : fallback;
  }

  /** {@code model_index.json}, as read when the bundle was opened. */
  public JsonNode index() {
    return index;
  }

  /** Whether this is one of Tessera's untrained miniature bundles (they prove the pipeline, not the pictures). */
  public boolean isMiniature() {
    return index.has("_tessera_miniature");
  }

  /** A short name for metadata: the directory's name. */
  public String name() {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? dir.toString() : name.toString();
  }
}
