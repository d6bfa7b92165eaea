package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;
import static dev.tessera.render.miniature.MiniatureSpec.LOW_RES_CHANNELS;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.tessera.render.schedule.NoiseSchedule;
import java.util.List;

/**
 * What makes the untrained miniature x4 upscaler's output follow its low-res image. An untrained
 * UNet cannot denoise towards anything, so its {@code out_sample} is replaced by the v-prediction
 * an ideal denoiser would make if the clean latents were
 *
 * <pre>{@code x0 = rgbToLatent · lowRes + TEXTURE · u}</pre>
 *
 * where {@code lowRes} is the (noised) low-res image the UNet is given, {@code rgbToLatent} the
 * {@link LatentColours} encoding the miniature ×4 decoder undoes, and {@code u} the untrained
 * UNet's own output:
 *
 * <pre>{@code v = (√ᾱ_t · x_t − x0) / √(1 − ᾱ_t)}</pre>
 *
 * with ᾱ_t of the bundle's DDIM schedule, looked up with a Gather at the timestep. DDIM with
 * v-prediction then predicts exactly {@code x0} at every step, so the result decodes to the low-res
 * image's colours plus texture from the UNet. That texture is what tiling can spoil: GroupNorm and
 * attention see only their tile, so unblended tiles disagree.
 *
 * <p>Guidance keeps the colour term (it is the same with and without the prompt) and scales the
 * texture difference. Everything here is per pixel, so it adds nothing to the UNet's receptive
 * field.
 */
final class LowResColourPath {
  /** Weight of the untrained UNet's output in the predicted clean latents. */
  static final double TEXTURE = 0.5;

  private LowResColourPath() {}

  /**
   * The v-prediction for {@code sample} ([batch, 7, h, w]: latents ‖ low-res RGB) at {@code
   * timestep} (any numeric type, rank 0 or 1), given the untrained UNet output {@code texture}
   * [batch, 4, h, w].
   */
  static String vPrediction(
      NetworkBlocks nn, MiniatureSpec spec, String sample, String timestep, String texture) {
    OnnxGraphBuilder g = nn.graph();
    String channelAxis = g.int64Vector(1);
    String latents =
        g.node(
            "Slice",
            List.of(sample, g.int64Vector(0), g.int64Vector(LATENT_CHANNELS), channelAxis));
    String lowRes =
        g.node(
            "Slice",
            List.of(
                sample,
                g.int64Vector(LATENT_CHANNELS),
                g.int64Vector(LATENT_CHANNELS + LOW_RES_CHANNELS),
                channelAxis));
    // rgbToLatent is [4, 3] row-major, which is the [out, in, 1, 1] layout of a 1×1 convolution
    String colour =
        nn.conv(
            "low_res_to_latent",
            lowRes,
            LatentColours.rgbToLatent(spec),
            new ConvShape(LOW_RES_CHANNELS, LATENT_CHANNELS, 1, 1));
    String clean = nn.add(colour, nn.mul(texture, g.scalarWeight("texture_gain", (float) TEXTURE)));

    NoiseSchedule schedule = NoiseSchedule.of(UpscalerConfigFiles.denoisingSchedule());
    int size = schedule.size();
    float[] signal = new float[size];
    float[] inverseNoise = new float[size];
    for (int t = 0; t < size; t++) {
      double alpha = schedule.alphaCumprod(t);
      signal[t] = (float) Math.sqrt(alpha);
      inverseNoise[t] = (float) (1 / Math.sqrt(1 - alpha));
    }
    String index = nn.reshape(g.cast(timestep, DataType.INT64_VALUE), g.int64Vector(-1));
    String perSample = g.int64Vector(-1, 1, 1, 1);
    String a =
        nn.reshape(
            gather(g, g.weight("sqrt_alphas_cumprod", new long[] {size}, signal), index),
            perSample);
    String b =
        nn.reshape(
            gather(
                g,
                g.weight("inv_sqrt_one_minus_alphas_cumprod", new long[] {size}, inverseNoise),
                index),
            perSample);
    return nn.mul(g.node("Sub", List.of(nn.mul(latents, a), clean)), b);
  }

  private static String gather(OnnxGraphBuilder g, String table, String index) {
    return g.node("Gather", List.of(table, index), OnnxGraphBuilder.intAttr("axis", 0));
  }
}
