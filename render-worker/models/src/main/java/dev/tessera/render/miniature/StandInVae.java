package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.LatentColours.RGB;
import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * The full-size AutoencoderKL halves with the I/O contract of optimum's exports: {@code
 * vae_encoder} ({@code sample} [batch, 3, H, W] → {@code latent_parameters} [batch, 8, H/f, W/f],
 * encoder and quant_conv) and {@code vae_decoder} ({@code latent_sample} → {@code sample},
 * post_quant_conv and decoder), f = 2^(blocks − 1). Latents are in VAE units, as the pipeline
 * passes them; the decoder has no Tanh, like the real one.
 *
 * <p>Encoder: conv_in, per block two ResNets and (but the last) a stride-2 downsampler padded at
 * the bottom and right; mid block ResNet → single-head attention → ResNet; GroupNorm → SiLU →
 * conv_out to 8 channels. Decoder: conv_in, the mid block, per reversed block three ResNets and
 * (but the last) a nearest ×2 upsampler, GroupNorm → SiLU → conv_out to RGB.
 */
final class StandInVae {
  /** SD's VAE: four blocks, ×8. */
  static final int[] SD_BLOCKS = {128, 256, 512, 512};

  /** The x4 upscaler's VAE: three blocks, ×4. */
  static final int[] X4_BLOCKS = {128, 256, 512};

  private static final List<String> ATTENTION_NAMES = List.of("to_q", "to_k", "to_v", "to_out.0");

  private StandInVae() {}

  static ModelProto encoder(StandInLayers layers, int[] blocks) {
    NetworkBlocks nn = layers.nn;
    OnnxGraphBuilder g = layers.g;
    String image = g.floatInput("sample", BATCH, Integer.toString(RGB), "height", "width");
    String h = layers.conv("encoder.conv_in", image, RGB, blocks[0], 3, 1);
    int channels = blocks[0];
    for (int block = 0; block < blocks.length; block++) {
      String scope = "encoder.down_blocks." + block;
      for (int layer = 0; layer < 2; layer++) {
        h = layers.resnet(scope + ".resnets." + layer, h, channels, blocks[block], null, 0);
        channels = blocks[block];
      }
      if (block < blocks.length - 1) {
        h = layers.asymmetricDownsample(scope + ".downsamplers.0.conv", h, channels);
      }
    }
    h = midBlock(layers, "encoder.mid_block", h, channels);
    h = nn.silu(layers.groupNorm("encoder.conv_norm_out", h, channels));
    int moments = 2 * LATENT_CHANNELS;
    h = layers.conv("encoder.conv_out", h, channels, moments, 3, StandInLayers.SILU_GAIN);
    h = layers.conv("quant_conv", h, moments, moments, 1, 1);
    g.floatOutput(
        h, "latent_parameters", BATCH, Integer.toString(moments), "latent_height", "latent_width");
    return g.build(StandInBundle.DISCLAIMER + ": VAE encoder");
  }

  static ModelProto decoder(StandInLayers layers, int[] blocks) {
    NetworkBlocks nn = layers.nn;
    OnnxGraphBuilder g = layers.g;
    String latent =
        g.floatInput(
            "latent_sample",
            BATCH,
            Integer.toString(LATENT_CHANNELS),
            "latent_height",
            "latent_width");
    String h = layers.conv("post_quant_conv", latent, LATENT_CHANNELS, LATENT_CHANNELS, 1, 1);
    int channels = blocks[blocks.length - 1];
    h = layers.conv("decoder.conv_in", h, LATENT_CHANNELS, channels, 3, 1);
    h = midBlock(layers, "decoder.mid_block", h, channels);
    for (int up = 0; up < blocks.length; up++) {
      int width = blocks[blocks.length - 1 - up];
      String scope = "decoder.up_blocks." + up;
      for (int layer = 0; layer < 3; layer++) {
        h = layers.resnet(scope + ".resnets." + layer, h, channels, width, null, 0);
        channels = width;
      }
      if (up < blocks.length - 1) {
        h = layers.upsample(scope + ".upsamplers.0.conv", h, channels);
      }
    }
    h = nn.silu(layers.groupNorm("decoder.conv_norm_out", h, channels));
    h = layers.conv("decoder.conv_out", h, channels, RGB, 3, StandInLayers.SILU_GAIN);
    g.floatOutput(h, "sample", BATCH, Integer.toString(RGB), "height", "width");
    return g.build(StandInBundle.DISCLAIMER + ": VAE decoder");
  }

  private static String midBlock(StandInLayers layers, String scope, String x, int channels) {
    NetworkBlocks nn = layers.nn;
    String h = layers.resnet(scope + ".resnets.0", x, channels, channels, null, 0);
    String tokens =
        nn.imageToTokens(
            layers.groupNorm(scope + ".attentions.0.group_norm", h, channels), channels);
    String attended =
        layers.attention(
            scope + ".attentions.0",
            tokens,
            tokens,
            new AttentionShape(channels, channels, 1),
            ATTENTION_NAMES,
            true,
            null);
    h = nn.add(h, nn.tokensToImage(attended, h));
    return layers.resnet(scope + ".resnets.1", h, channels, channels, null, 0);
  }
}
