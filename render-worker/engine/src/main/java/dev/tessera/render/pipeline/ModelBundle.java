package dev.tessera.render.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Stable Diffusion ONNX bundle on disk in the diffusers/optimum layout ({@code model_index.json},
 * {@code scheduler/}, {@code tokenizer/}, {@code text_encoder/}, {@code unet/}, {@code
 * vae_decoder/}, optionally {@code vae_encoder/}). Some exports name the VAE decoder's folder
 * {@code vae/}; such bundles load too. Holds paths and the small JSON facts; loads no model.
 */
public final class ModelBundle {
  /**
   * The VAE latent scale of SD 1.x and 2.x, used when the VAE decoder's {@code config.json} does
   * not say.
   */
  public static final double DEFAULT_SCALING_FACTOR = 0.18215;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] REQUIRED = {
    "model_index.json",
    "scheduler/scheduler_config.json",
    "tokenizer/vocab.json",
    "tokenizer/merges.txt",
    "text_encoder/model.onnx",
    "unet/model.onnx"
  };

  /**
   * The VAE decoder's folders, in order of preference: the diffusers/optimum name, then other
   * exports'.
   */
  private static final List<String> VAE_DECODER_DIRS = List.of("vae_decoder", "vae");

  private final Path dir;
  private final JsonNode index;
  private final String vaeDecoderDir;

  private ModelBundle(Path dir, JsonNode index, String vaeDecoderDir) {
    this.dir = dir;
    this.index = index;
    this.vaeDecoderDir = vaeDecoderDir;
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
    String vaeDecoderDir =
        VAE_DECODER_DIRS.stream()
            .filter(d -> Files.isRegularFile(dir.resolve(d).resolve("model.onnx")))
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        "model bundle "
                            + dir
                            + ": missing "
                            + VAE_DECODER_DIRS.stream()
                                .map(d -> d + "/model.onnx")
                                .collect(Collectors.joining(" or "))));
    return new ModelBundle(dir, readJson(dir, "model_index.json"), vaeDecoderDir);
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

  /**
   * The VAE decoder's model, relative to the bundle: {@code vae_decoder/model.onnx}, else {@code
   * vae/model.onnx}.
   */
  public String vaeDecoder() {
    return vaeDecoderDir + "/model.onnx";
  }

  /** Whether the bundle has a {@code vae_encoder}, which img2img needs. */
  public boolean hasVaeEncoder() {
    return Files.isRegularFile(dir.resolve("vae_encoder/model.onnx"));
  }

  /**
   * The VAE latent scaling factor from the VAE decoder's {@code config.json}, else {@value
   * #DEFAULT_SCALING_FACTOR}.
   */
  public double scalingFactor() throws IOException {
    return scalingFactor(DEFAULT_SCALING_FACTOR);
  }

  /**
   * The VAE latent scaling factor from the VAE decoder's {@code config.json}, else {@code
   * fallback}.
   */
  public double scalingFactor(double fallback) throws IOException {
    String config = vaeDecoderDir + "/config.json";
    if (!Files.isRegularFile(dir.resolve(config))) {
      return fallback;
    }
    JsonNode factor = readJson(dir, config).get("scaling_factor");
    return factor != null && factor.isNumber() ? factor.asDouble() : fallback;
  }

  /** {@code model_index.json}, as read when the bundle was opened. */
  public JsonNode index() {
    return index;
  }

  /**
   * Whether this is one of Tessera's untrained miniature bundles (they prove the pipeline, not the
   * pictures).
   */
  public boolean isMiniature() {
    return index.has("_tessera_miniature");
  }

  /** A short name for metadata: the directory's name. */
  public String name() {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? dir.toString() : name.toString();
  }
}
