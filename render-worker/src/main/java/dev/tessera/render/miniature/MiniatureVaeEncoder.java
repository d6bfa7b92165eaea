package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Arrays;

/**
 * An untrained VAE encoder with the I/O contract of an exported {@code vae_encoder/model.onnx}: {@code sample}
 * [batch, 3, height, width] → either {@code latent_parameters} [batch, 8, height/8, width/8] (mean ‖ logvar, as recent
 * optimum writes it) or {@code latent_sample} [batch, 4, height/8, width/8] (older exports), per
 * {@link MiniatureSpec#vaeEncoderOutput()}.
 *
 * <p>Three stride-2 3×3 convolutions with SiLU in between. The log-variance half is offset to about
 * {@value #LOGVAR_OFFSET}, so sampling from the distribution stays close to its mean as with a real VAE.
 */
final class MiniatureVaeEncoder {
  private static final int[] CHANNELS = {3, 16, 32};
  private static final double SILU_GAIN = 1.6;
  private static final float LOGVAR_OFFSET = -4f;
  private static final long SEED_OFFSET = 4;

  private MiniatureVaeEncoder() {}

  static ModelProto build(MiniatureSpec spec) {
    NetworkBlocks nn = spec.newNetwork("vae_encoder", SEED_OFFSET);
    OnnxGraphBuilder g = nn.graph();
    String image = g.floatInput("sample", BATCH, "3", "height", "width");

    String h = nn.silu(nn.conv("down_blocks.0.conv", image, CHANNELS[0], CHANNELS[1], 3, 2, 1));
    h = nn.silu(nn.conv("down_blocks.1.conv", h, CHANNELS[1], CHANNELS[2], 3, 2, SILU_GAIN));
    int outChannels = spec.vaeEncoderChannels();
    String latent = nn.conv("down_blocks.2.conv", h, CHANNELS[2], outChannels, 3, 2, SILU_GAIN);
    if (outChannels == 2 * LATENT_CHANNELS) {
      float[] offsets = new float[outChannels];
      Arrays.fill(offsets, LATENT_CHANNELS, outChannels, LOGVAR_OFFSET);
      latent = nn.add(latent, g.weight("logvar_offset", new long[] {outChannels, 1, 1}, offsets));
    }
    g.floatOutput(latent, spec.vaeEncoderOutput(), BATCH, Integer.toString(outChannels), "latent_height",
        "latent_width");
    return g.build(MiniatureBundle.DISCLAIMER + ": VAE encoder");
  }
}
