package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * An untrained conditional UNet with the I/O contract of an exported {@code unet/model.onnx}:
 * {@code sample} [batch, 4, height, width], {@code timestep} (type and rank per {@link
 * MiniatureSpec}) and {@code encoder_hidden_states} [batch, tokens, H] (77 tokens where the batch
 * is static, any count otherwise) → {@code out_sample} [batch, 4, height, width]. Height and width
 * must be multiples of 4.
 *
 * <p>With the x4 upscaler's contract ({@link MiniatureSpec.UnetIo#upscaler()}) {@code sample} has 7
 * channels (latents, then the noised low-res RGB image), an int64 {@code class_labels} [batch] (the
 * noise level) selects a row of a class embedding that is added to the timestep embedding, as in
 * diffusers' {@code num_class_embeds}, and the output goes through {@link LowResColourPath} so that
 * denoising converges to the low-res image's colours.
 *
 * <p>Layout, channels 32/64/64 (16/32/32 for the upscaler): conv_in; a sinusoidal timestep
 * embedding (Sin ‖ Cos → Linear → SiLU → Linear) added inside every ResNet block; two stride-2
 * down-samplings; at the lowest resolution a transformer block with self-attention over the pixels
 * and cross-attention over the text tokens; two nearest ×2 up-samplings with skip connections;
 * GroupNorm, SiLU, conv_out. Attention only at the lowest resolution keeps a batch-2 call on 64×64
 * latents well under 100 ms on two CPU cores.
 */
final class MiniatureUnet {
  static final int[] CHANNELS = {32, 64, 64};

  /**
   * Narrower for the x4 upscaler, whose UNet runs on 128×128 low-res tiles (four times a 512 px
   * render's latents), 25 tiles and 20 steps per 2048 px image: the tiling, steps and seams stay
   * what they are, at a third of the cost.
   */
  static final int[] UPSCALER_CHANNELS = {16, 32, 32};

  /**
   * The latent size unet/config.json advertises (512 px images) for every kind, to stay in the
   * render budget.
   */
  static final int SAMPLE_SIZE = 64;

  private static final int TIME_FREQUENCIES = 32;
  private static final int TIME_EMBEDDING = 64;
  private static final int GROUPS = 8;
  private static final int HEADS = 2;
  private static final double MAX_PERIOD = 10_000;
  // GroupNorm → SiLU leaves an RMS of about 0.6; these gains bring convolutions back to unit scale
  private static final double SILU_GAIN = 1.6;
  private static final double RESIDUAL_GAIN = 0.5;
  private static final long SEED_OFFSET = 2;

  /**
   * Rows of the upscaler's class embedding: one per DDPM noise level, as the real {@code
   * num_class_embeds}.
   */
  static final int NUM_CLASS_EMBEDS = 1000;

  private final NetworkBlocks nn;
  private final OnnxGraphBuilder g;

  private MiniatureUnet(NetworkBlocks nn) {
    this.nn = nn;
    this.g = nn.graph();
  }

  static ModelProto build(MiniatureSpec spec) {
    return new MiniatureUnet(spec.newNetwork("unet", SEED_OFFSET)).network(spec);
  }

  private ModelProto network(MiniatureSpec spec) {
    MiniatureSpec.UnetIo io = spec.unet();
    String batch = io.batch();
    String latentChannels = Integer.toString(LATENT_CHANNELS);
    int inChannels = io.inChannels();
    String sample = g.floatInput("sample", batch, Integer.toString(inChannels), "height", "width");
    String timestep =
        g.input("timestep", io.timestepType(), io.timestepDims().toArray(String[]::new));
    String context =
        g.floatInput(
            "encoder_hidden_states",
            batch,
            io.contextTokens(),
            Integer.toString(spec.text().hiddenSize()));
    String time = timeEmbedding(timestep);
    if (io.upscaler()) {
      String classLabels = g.input("class_labels", DataType.INT64_VALUE, batch);
      String table = nn.gaussian("class_embedding.weight", 1.0, NUM_CLASS_EMBEDS, TIME_EMBEDDING);
      time =
          nn.add(
              time,
              g.node("Gather", List.of(table, classLabels), OnnxGraphBuilder.intAttr("axis", 0)));
    }

    int[] channels = io.upscaler() ? UPSCALER_CHANNELS : CHANNELS;
    int c0 = channels[0];
    int c1 = channels[1];
    int c2 = channels[2];
    String h = nn.conv("conv_in", sample, new ConvShape(inChannels, c0, 3, 1), 1);
    String skip0 = resnet("down_blocks.0.resnet", h, c0, c0, time);
    String down0 = nn.conv("down_blocks.0.downsample", skip0, new ConvShape(c0, c0, 3, 2), 1);
    String skip1 = resnet("down_blocks.1.resnet", down0, c0, c1, time);
    String down1 = nn.conv("down_blocks.1.downsample", skip1, new ConvShape(c1, c1, 3, 2), 1);

    String mid = resnet("mid_block.resnet", down1, c1, c2, time);
    mid = transformer("mid_block.attention", mid, c2, context, spec.text().hiddenSize());

    String up0 =
        nn.conv("up_blocks.0.upsample", nn.upsample2x(mid), new ConvShape(c2, c1, 3, 1), 1);
    up0 = resnet("up_blocks.0.resnet", nn.concat(1, up0, skip1), 2 * c1, c1, time);
    String up1 =
        nn.conv("up_blocks.1.upsample", nn.upsample2x(up0), new ConvShape(c1, c0, 3, 1), 1);
    up1 = resnet("up_blocks.1.resnet", nn.concat(1, up1, skip0), 2 * c0, c0, time);

    String normed = nn.silu(nn.groupNorm("conv_norm_out", up1, c0, GROUPS));
    String out = nn.conv("conv_out", normed, new ConvShape(c0, LATENT_CHANNELS, 3, 1), SILU_GAIN);
    if (io.upscaler()) {
      out = LowResColourPath.vPrediction(nn, spec, sample, timestep, out);
    }
    g.floatOutput(out, "out_sample", batch, latentChannels, "height", "width");
    return g.build(MiniatureBundle.DISCLAIMER + ": UNet");
  }

  /**
   * Any timestep tensor (int64, float16 or float32; rank 0 or 1) → [n, TIME_EMBEDDING] with n 1 or
   * batch.
   */
  private String timeEmbedding(String timestep) {
    String column = nn.reshape(g.cast(timestep, DataType.FLOAT_VALUE), g.int64Vector(-1, 1));
    int half = TIME_FREQUENCIES / 2;
    float[] frequencies = new float[half];
    for (int i = 0; i < half; i++) {
      frequencies[i] = (float) Math.exp(-Math.log(MAX_PERIOD) * i / half);
    }
    String angles =
        nn.mul(column, g.weight("time_proj.frequencies", new long[] {1, half}, frequencies));
    String sinusoid = nn.concat(1, g.node("Sin", List.of(angles)), g.node("Cos", List.of(angles)));
    String hidden =
        nn.silu(
            nn.linear("time_embedding.linear_1", sinusoid, TIME_FREQUENCIES, TIME_EMBEDDING, 1));
    return nn.linear("time_embedding.linear_2", hidden, TIME_EMBEDDING, TIME_EMBEDDING, 1);
  }

  /**
   * GroupNorm → SiLU → conv, plus the projected timestep embedding, GroupNorm → SiLU → conv, plus
   * shortcut.
   */
  private String resnet(String scope, String x, int in, int out, String timeEmbedding) {
    String h =
        nn.conv(
            scope + ".conv1",
            nn.silu(nn.groupNorm(scope + ".norm1", x, in, GROUPS)),
            new ConvShape(in, out, 3, 1),
            SILU_GAIN);
    String time =
        nn.linear(scope + ".time_emb_proj", nn.silu(timeEmbedding), TIME_EMBEDDING, out, 1);
    h =
        nn.add(
            h,
            nn.reshape(
                time, g.int64Vector(-1, out, 1, 1))); // [n, out] → [n, out, 1, 1], n = 1 or batch
    h =
        nn.conv(
            scope + ".conv2",
            nn.silu(nn.groupNorm(scope + ".norm2", h, out, GROUPS)),
            new ConvShape(out, out, 3, 1),
            RESIDUAL_GAIN);
    String shortcut =
        in == out ? x : nn.conv(scope + ".conv_shortcut", x, new ConvShape(in, out, 1, 1), 1);
    return nn.add(shortcut, h);
  }

  /**
   * Self-attention over the h·w pixels, cross-attention over the text tokens, feed-forward; all
   * residual.
   */
  private String transformer(String scope, String x, int channels, String context, int contextDim) {
    ConvShape projection = new ConvShape(channels, channels, 1, 1);
    String h =
        nn.conv(
            scope + ".proj_in", nn.groupNorm(scope + ".norm", x, channels, GROUPS), projection, 1);
    String tokens = nn.imageToTokens(h, channels);
    String normed = nn.layerNorm(scope + ".norm1", tokens, channels);
    AttentionShape selfAttention = new AttentionShape(channels, channels, HEADS);
    tokens = nn.add(tokens, nn.attention(scope + ".attn1", normed, normed, selfAttention, null));
    normed = nn.layerNorm(scope + ".norm2", tokens, channels);
    AttentionShape crossAttention = new AttentionShape(channels, contextDim, HEADS);
    tokens = nn.add(tokens, nn.attention(scope + ".attn2", normed, context, crossAttention, null));
    normed = nn.layerNorm(scope + ".norm3", tokens, channels);
    tokens = nn.add(tokens, nn.feedForward(scope + ".ff", normed, channels, 4, 1));
    String image = nn.tokensToImage(tokens, x);
    return nn.add(x, nn.conv(scope + ".proj_out", image, projection, RESIDUAL_GAIN));
  }
}
