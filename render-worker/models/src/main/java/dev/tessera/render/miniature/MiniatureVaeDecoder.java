package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.LatentColours.RGB;
import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;
import static dev.tessera.render.miniature.MiniatureSpec.VAE_SCALING_FACTOR;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * An untrained VAE decoder with the I/O contract of an exported {@code vae_decoder/model.onnx}:
 * {@code latent_sample} [batch, 4, latent_height, latent_width] → {@code sample} [batch, 3,
 * 8·latent_height, 8·latent_width].
 *
 * <p>Scale: like a real SD VAE it takes latents in VAE units, i.e. diffusion latents divided by the
 * scaling factor (as the pipeline passes them), and first multiplies them back; unit-scale
 * diffusion latents give values mostly within [-1, 1], which the pipeline clamps. There is no Tanh
 * (real VAEs have none either).
 *
 * <p>Layers: conv_in, one residual conv block, three stages of nearest ×2 upsampling + conv + SiLU
 * (32 → 16 → 16 → 8 channels), conv_out to RGB; conv_out's kernels sum to zero so SiLU's positive
 * mean does not become a colour cast. To that texture it adds the {@link LatentColours} colour of
 * each latent pixel, upsampled ×8, so smooth latents give visibly different colours rather than a
 * flat grey, and decoding what the encoder made keeps the image's colours.
 *
 * <p>Unlike a real VAE it has no GroupNorm, no attention and no other image-wide statistic: every
 * output pixel depends only on latents within about four latent pixels of it, so decoding in tiles
 * equals decoding whole away from tile borders.
 */
final class MiniatureVaeDecoder {
  /** Channels per resolution, finest first, as AutoencoderKL's config lists them. */
  static final int[] BLOCK_OUT_CHANNELS = {8, 16, 16, 32};

  // SiLU of a unit-scale input has an RMS of about 0.6; this gain restores unit scale after each
  // convolution
  private static final double SILU_GAIN = 1.6;
  private static final double RESIDUAL_GAIN = 0.5;
  private static final double TEXTURE_GAIN = 0.3;
  private static final long SEED_OFFSET = 3;

  private MiniatureVaeDecoder() {}

  static ModelProto build(MiniatureSpec spec) {
    NetworkBlocks nn = spec.newNetwork("vae_decoder", SEED_OFFSET);
    OnnxGraphBuilder g = nn.graph();
    String input =
        g.floatInput(
            "latent_sample",
            BATCH,
            Integer.toString(LATENT_CHANNELS),
            "latent_height",
            "latent_width");
    String latent = nn.mul(input, g.scalarWeight("scaling_factor", VAE_SCALING_FACTOR));

    String texture = texture(nn, latent, BLOCK_OUT_CHANNELS);
    String colour =
        nn.conv(
            "latent_to_rgb",
            latent,
            LatentColours.latentToRgb(spec),
            new ConvShape(LATENT_CHANNELS, RGB, 1, 1));
    // The colour path is upsampled as often as the trunk: once per step down the block channels.
    for (int stage = 1; stage < BLOCK_OUT_CHANNELS.length; stage++) {
      colour = nn.upsample2x(colour);
    }
    String rgb = nn.add(texture, colour);
    g.floatOutput(rgb, "sample", BATCH, Integer.toString(RGB), "height", "width");
    return g.build(MiniatureBundle.DISCLAIMER + ": VAE decoder");
  }

  /**
   * The convolutional trunk both miniature decoders share: conv_in, a residual mid block, one ×2
   * upsampling stage per step down {@code blockOutChannels}, and a zero-mean conv_out to RGB
   * texture. Purely local: no normalisation.
   */
  static String texture(NetworkBlocks nn, String latent, int[] blockOutChannels) {
    int top = blockOutChannels.length - 1;
    int width = blockOutChannels[top];
    String h = nn.conv("conv_in", latent, new ConvShape(LATENT_CHANNELS, width, 3, 1), 1);
    String r = nn.conv("mid_block.conv1", nn.silu(h), new ConvShape(width, width, 3, 1), SILU_GAIN);
    r = nn.conv("mid_block.conv2", nn.silu(r), new ConvShape(width, width, 3, 1), RESIDUAL_GAIN);
    h = nn.add(h, r);
    for (int level = top - 1; level >= 0; level--) {
      int narrower = blockOutChannels[level];
      h =
          nn.silu(
              nn.conv(
                  "up_blocks." + (top - 1 - level) + ".conv",
                  nn.upsample2x(h),
                  new ConvShape(width, narrower, 3, 1),
                  SILU_GAIN));
      width = narrower;
    }
    return nn.centeredConv("conv_out", h, new ConvShape(width, RGB, 3, 1), TEXTURE_GAIN);
  }
}
