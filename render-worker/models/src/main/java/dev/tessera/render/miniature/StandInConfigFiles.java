package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureConfigFiles.MAPPER;
import static dev.tessera.render.miniature.MiniatureConfigFiles.ints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * The {@code config.json} of each stand-in network, with the published models' values for what the
 * stand-in reproduces (channels, layers, heads, sizes, the VAE scaling factor).
 */
final class StandInConfigFiles {
  private StandInConfigFiles() {}

  static void write(StandInKind kind, boolean fp16, Path outDir) throws IOException {
    textEncoder(outDir.resolve("text_encoder/config.json"), fp16);
    boolean x4 = kind == StandInKind.X4_UPSCALER;
    unet(outDir.resolve("unet/config.json"), x4 ? StandInUnet.X4 : StandInUnet.SD2, kind);
    int[] vaeBlocks = x4 ? StandInVae.X4_BLOCKS : StandInVae.SD_BLOCKS;
    String scaling = x4 ? UpscalerConfigFiles.VAE_SCALING_FACTOR : "0.18215";
    int imageSize = kind.sampleSize() * (x4 ? 4 : 8);
    vae(outDir.resolve("vae_decoder/config.json"), vaeBlocks, scaling, imageSize);
    if (!x4) {
      vae(outDir.resolve("vae_encoder/config.json"), vaeBlocks, scaling, imageSize);
    }
  }

  private static void textEncoder(Path file, boolean fp16) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.set("architectures", MAPPER.createArrayNode().add("CLIPTextModel"));
    json.put("hidden_act", "gelu");
    json.put("hidden_size", StandInTextEncoder.WIDTH);
    json.put("intermediate_size", 4 * StandInTextEncoder.WIDTH);
    json.put("max_position_embeddings", MiniatureSpec.MAX_TOKENS);
    json.put("model_type", "clip_text_model");
    json.put("num_attention_heads", StandInTextEncoder.HEADS);
    json.put("num_hidden_layers", StandInTextEncoder.LAYERS);
    json.put("projection_dim", 512);
    json.put("torch_dtype", fp16 ? "float16" : "float32");
    json.put("vocab_size", StandInTextEncoder.VOCABULARY);
    MiniatureConfigFiles.write(file, json);
  }

  private static void unet(Path file, StandInUnet.Config config, StandInKind kind)
      throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", "UNet2DConditionModel");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.set("attention_head_dim", ints(config.heads()));
    json.set("block_out_channels", ints(config.blockOut()));
    json.put("cross_attention_dim", StandInTextEncoder.WIDTH);
    ArrayNode down = MAPPER.createArrayNode();
    ArrayNode only = MAPPER.createArrayNode();
    for (int block = 0; block < config.blockOut().length; block++) {
      down.add(config.attention()[block] ? "CrossAttnDownBlock2D" : "DownBlock2D");
      only.add(config.onlyCross()[block]);
    }
    json.set("down_block_types", down);
    json.put("in_channels", config.inChannels());
    json.put("layers_per_block", 2);
    if (config.classEmbeddings() > 0) {
      json.put("num_class_embeds", config.classEmbeddings());
    }
    json.set("only_cross_attention", only);
    json.put("out_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("sample_size", kind.sampleSize());
    json.put("use_linear_projection", true);
    MiniatureConfigFiles.write(file, json);
  }

  private static void vae(Path file, int[] blocks, String scalingFactor, int imageSize)
      throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("_class_name", "AutoencoderKL");
    json.put("_diffusers_version", MiniatureConfigFiles.DIFFUSERS_VERSION);
    json.put("act_fn", "silu");
    json.set("block_out_channels", ints(blocks));
    json.put("in_channels", 3);
    json.put("latent_channels", MiniatureSpec.LATENT_CHANNELS);
    json.put("layers_per_block", 2);
    json.put("norm_num_groups", StandInLayers.GROUPS);
    json.put("out_channels", 3);
    json.put("sample_size", imageSize);
    json.put("scaling_factor", new BigDecimal(scalingFactor));
    MiniatureConfigFiles.write(file, json);
  }
}
