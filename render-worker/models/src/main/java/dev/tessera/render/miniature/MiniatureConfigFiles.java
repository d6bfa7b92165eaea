package dev.tessera.render.miniature;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the JSON files of a miniature bundle with the keys and values diffusers, optimum and
 * transformers write for the real models, laid out as Python's {@code json.dump(indent=2)} does:
 * keys in a fixed order, LF line ends, and decimal numbers as in the originals (e.g. {@code
 * 0.00085}, never {@code 8.5E-4}), so the same spec always gives the same bytes.
 */
final class MiniatureConfigFiles {
  static final String DIFFUSERS_VERSION = "0.31.0";
  private static final String TRANSFORMERS_VERSION = "4.46.0";
  private static final String BOS = "<|startoftext|>";
  private static final String EOS = "<|endoftext|>";

  static final ObjectMapper MAPPER = new ObjectMapper();
  // the layout of Python's json.dump(indent=2): "key": value, one array element per line
  private static final ObjectWriter WRITER =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private MiniatureConfigFiles() {}

  /**
   * @param disclaimer what the untrained bundle is, under {@code _tessera_miniature} (the engine
   *     warns about such bundles)
   */
  static void modelIndex(Path file, MiniatureSpec spec, String disclaimer) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", "ORTStableDiffusionPipeline");
    json.put("_diffusers_version", DIFFUSERS_VERSION);
    json.put("_tessera_miniature", disclaimer);
    json.set("feature_extractor", pair(null, null));
    json.put("requires_safety_checker", false);
    json.set("safety_checker", pair(null, null));
    json.set("scheduler", pair("diffusers", spec.scheduling().className()));
    json.set("text_encoder", pair("optimum", "ORTModelTextEncoder"));
    json.set("tokenizer", pair("transformers", "CLIPTokenizer"));
    json.set("unet", pair("optimum", "ORTModelUnet"));
    json.set("vae_decoder", pair("optimum", "ORTModelVaeDecoder"));
    json.set("vae_encoder", pair("optimum", "ORTModelVaeEncoder"));
    write(file, json);
  }

  /**
   * The SD 2.x training schedule; no {@code timestep_spacing}, so DDIM/PNDM default to "leading".
   */
  static void scheduler(Path file, MiniatureSpec spec) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", spec.scheduling().className());
    json.put("_diffusers_version", DIFFUSERS_VERSION);
    json.put("beta_end", new BigDecimal("0.012"));
    json.put("beta_schedule", "scaled_linear");
    json.put("beta_start", new BigDecimal("0.00085"));
    json.put("clip_sample", false);
    json.put("num_train_timesteps", 1000);
    json.put("prediction_type", spec.scheduling().predictionType());
    json.put("set_alpha_to_one", false);
    json.put("skip_prk_steps", true);
    json.put("steps_offset", 1);
    json.putNull("trained_betas");
    write(file, json);
  }

  static void tokenizerConfig(Path file, MiniatureSpec spec) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("add_prefix_space", false);
    json.put("bos_token", BOS);
    json.put("clean_up_tokenization_spaces", true);
    json.put("do_lower_case", true);
    json.put("eos_token", EOS);
    json.put("errors", "replace");
    json.put("model_max_length", MiniatureSpec.MAX_TOKENS);
    json.put("pad_token", spec.text().padToken());
    json.put("tokenizer_class", "CLIPTokenizer");
    json.put("unk_token", EOS);
    write(file, json);
  }

  static void specialTokensMap(Path file, MiniatureSpec spec) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.set("bos_token", addedToken(BOS));
    json.set("eos_token", addedToken(EOS));
    json.put("pad_token", spec.text().padToken());
    json.set("unk_token", addedToken(EOS));
    write(file, json);
  }

  static void textEncoder(Path file, MiniatureSpec spec, int vocabularySize) throws IOException {
    int hidden = spec.text().hiddenSize();
    ObjectNode json = MAPPER.createObjectNode();
    json.set("architectures", MAPPER.createArrayNode().add("CLIPTextModel"));
    json.put("hidden_act", "gelu");
    json.put("hidden_size", hidden);
    json.put("intermediate_size", 4 * hidden);
    json.put("max_position_embeddings", MiniatureSpec.MAX_TOKENS);
    json.put("model_type", "clip_text_model");
    json.put("num_attention_heads", MiniatureTextEncoder.HEADS);
    json.put("num_hidden_layers", MiniatureTextEncoder.LAYERS);
    json.put("torch_dtype", spec.weights().fp16() ? "float16" : "float32");
    json.put("transformers_version", TRANSFORMERS_VERSION);
    json.put("vocab_size", vocabularySize);
    write(file, json);
  }

  static void unet(Path file, MiniatureSpec spec) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", "UNet2DConditionModel");
    json.put("_diffusers_version", DIFFUSERS_VERSION);
    json.set("block_out_channels", ints(MiniatureUnet.CHANNELS));
    json.put("cross_attention_dim", spec.text().hiddenSize());
    json.put("in_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("out_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("sample_size", MiniatureUnet.SAMPLE_SIZE);
    write(file, json);
  }

  /**
   * optimum writes the whole AutoencoderKL config into both VAE folders; the engine needs the
   * scaling factor.
   */
  static void vae(Path file) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", "AutoencoderKL");
    json.put("_diffusers_version", DIFFUSERS_VERSION);
    json.put("act_fn", "silu");
    json.set("block_out_channels", ints(MiniatureVaeDecoder.BLOCK_OUT_CHANNELS));
    json.put("in_channels", 3);
    json.put("latent_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("out_channels", 3);
    json.put("sample_size", MiniatureUnet.SAMPLE_SIZE * 8);
    json.put("scaling_factor", new BigDecimal(Float.toString(MiniatureSpec.VAE_SCALING_FACTOR)));
    write(file, json);
  }

  private static ObjectNode addedToken(String content) {
    ObjectNode token = MAPPER.createObjectNode();
    token.put("content", content);
    token.put("lstrip", false);
    token.put("normalized", true);
    token.put("rstrip", false);
    token.put("single_word", false);
    return token;
  }

  static ArrayNode pair(String library, String className) {
    return MAPPER.createArrayNode().add(library).add(className);
  }

  static ArrayNode ints(int[] values) {
    ArrayNode array = MAPPER.createArrayNode();
    for (int value : values) {
      array.add(value);
    }
    return array;
  }

  static void write(Path file, ObjectNode json) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, WRITER.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
  }
}
