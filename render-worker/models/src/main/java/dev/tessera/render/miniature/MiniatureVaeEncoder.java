package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.LatentColours.RGB;
import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;
import static dev.tessera.render.miniature.MiniatureSpec.VAE_SCALING_FACTOR;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Arrays;

/**
 * An untrained VAE encoder with the I/O contract of an exported {@code vae_encoder/model.onnx}:
 * {@code sample} [batch, 3, height, width] → either {@code latent_parameters} [batch, 8, height/8,
 * width/8] (mean ‖ logvar, as recent optimum writes it) or {@code latent_sample} [batch, 4,
 * height/8, width/8] (older exports; here the mean), per {@link MiniatureSpec#vaeEncoderOutput()}.
 * Height and width must be multiples of 8.
 *
 * <p>Three stride-2 3×3 convolutions with SiLU in between give a texture term; to the mean it adds
 * {@link LatentColours#rgbToLatent} of each 8×8 block's average colour, so the miniature decoder
 * gives back the image's block colours. Outputs are in VAE units (diffusion latents divided by the
 * scaling factor), like a real VAE's. The log-variance half is offset to about {@value
 * #LOGVAR_OFFSET}, so sampling from the distribution stays close to its mean as with a real VAE.
 */
final class MiniatureVaeEncoder {
  private static final int[] CHANNELS = {RGB, 16, 32};
  private static final int DOWNSCALE = 8;
  private static final double SILU_GAIN = 1.6;
  private static final float LOGVAR_OFFSET = -4f;
  private static final long SEED_OFFSET = 4;

  private MiniatureVaeEncoder() {}

  static ModelProto build(MiniatureSpec spec) {
    NetworkBlocks nn = spec.newNetwork("vae_encoder", SEED_OFFSET);
    OnnxGraphBuilder g = nn.graph();
    String image = g.floatInput("sample", BATCH, Integer.toString(RGB), "height", "width");
    int outChannels = spec.vaeEncoder().channels();

    String h =
        nn.silu(
            nn.conv("down_blocks.0.conv", image, new ConvShape(CHANNELS[0], CHANNELS[1], 3, 2), 1));
    h =
        nn.silu(
            nn.conv(
                "down_blocks.1.conv", h, new ConvShape(CHANNELS[1], CHANNELS[2], 3, 2), SILU_GAIN));
    String texture =
        nn.conv("down_blocks.2.conv", h, new ConvShape(CHANNELS[2], outChannels, 3, 2), SILU_GAIN);

    // rows of the mean channels only; a logvar half stays zero
    float[] toLatent = new float[outChannels * RGB];
    float[] pseudoInverse = LatentColours.rgbToLatent(spec);
    for (int i = 0; i < pseudoInverse.length; i++) {
      toLatent[i] = pseudoInverse[i] / VAE_SCALING_FACTOR;
    }
    String colour =
        nn.conv(
            "rgb_to_latent",
            nn.averagePool(image, DOWNSCALE),
            toLatent,
            new ConvShape(RGB, outChannels, 1, 1));
    String latent = nn.add(texture, colour);

    if (outChannels == 2 * LATENT_CHANNELS) {
      float[] offsets = new float[outChannels];
      Arrays.fill(offsets, LATENT_CHANNELS, outChannels, LOGVAR_OFFSET);
      latent = nn.add(latent, g.weight("logvar_offset", new long[] {outChannels, 1, 1}, offsets));
    }
    g.floatOutput(
        latent,
        spec.vaeEncoder().output(),
        BATCH,
        Integer.toString(outChannels),
        "latent_height",
        "latent_width");
    return g.build(MiniatureBundle.DISCLAIMER + ": VAE encoder");
  }
}
