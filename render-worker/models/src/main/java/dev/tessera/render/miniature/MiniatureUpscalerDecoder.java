package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.LatentColours.RGB;
import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;
import static dev.tessera.render.miniature.OnnxGraphBuilder.stringAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * An untrained ×4 VAE decoder with the I/O contract of the x4 upscaler's {@code
 * vae_decoder/model.onnx}: {@code latent_sample} [batch, 4, latent_height, latent_width] → {@code
 * sample} [batch, 3, 4·latent_height, 4·latent_width], taking latents in VAE units (divided by
 * {@value UpscalerConfigFiles#VAE_SCALING_FACTOR}) like the real one.
 *
 * <p>Like {@link MiniatureVaeDecoder}, one level shorter: conv_in, one residual conv block, two
 * stages of nearest ×2 upsampling + conv + SiLU (32 → 16 → 8 channels), a zero-sum conv_out to RGB
 * as texture, plus the {@link LatentColours} colour of the latents upsampled bilinearly (so colours
 * vary smoothly across latent pixels, as a real decoder's do, instead of in 4×4 blocks). Every
 * output pixel depends only on latents within about four latent pixels of it, so tiled decoding
 * equals whole decoding away from tile borders.
 */
final class MiniatureUpscalerDecoder {
  /** Channels per resolution, finest first, as AutoencoderKL's config lists them. */
  static final int[] BLOCK_OUT_CHANNELS = {8, 16, 32};

  /** Output pixels per latent along each axis. */
  static final int SCALE = 4;

  private static final long SEED_OFFSET = 3;

  private MiniatureUpscalerDecoder() {}

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
    float scalingFactor = Float.parseFloat(UpscalerConfigFiles.VAE_SCALING_FACTOR);
    String latent = nn.mul(input, g.scalarWeight("scaling_factor", scalingFactor));

    String texture = MiniatureVaeDecoder.texture(nn, latent, BLOCK_OUT_CHANNELS);

    String colour =
        nn.conv(
            "latent_to_rgb",
            latent,
            LatentColours.latentToRgb(spec),
            new ConvShape(LATENT_CHANNELS, RGB, 1, 1));
    colour =
        g.node(
            "Resize",
            List.of(colour, "", g.float32Parameter("colour_scales", 1f, 1f, SCALE, SCALE)),
            stringAttr("mode", "linear"),
            stringAttr("coordinate_transformation_mode", "half_pixel"));
    String rgb = nn.add(texture, colour);
    g.floatOutput(rgb, "sample", BATCH, Integer.toString(RGB), "height", "width");
    return g.build(MiniatureBundle.DISCLAIMER + ": x4 VAE decoder");
  }
}
