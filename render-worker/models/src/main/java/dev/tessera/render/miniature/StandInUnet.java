package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.LATENT_CHANNELS;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The full-size UNet2DConditionModel of SD 2.x or of the x4 upscaler, with the I/O contract of an
 * optimum export ({@code sample}, {@code timestep}, {@code encoder_hidden_states}, for the upscaler
 * {@code class_labels}; → {@code out_sample}) and untrained weights.
 *
 * <p>Layout as diffusers builds it from the config: conv_in; a sinusoidal timestep projection (cos
 * ‖ sin, as {@code flip_sin_to_cos}) → linear → SiLU → linear; four down blocks of two ResNets each
 * (with a Transformer2DModel after each where the block has attention), a stride-2 downsampler
 * after all but the last; a mid block ResNet → transformer → ResNet; four up blocks of three
 * ResNets over the concatenated skips, nearest ×2 + conv upsamplers after all but the last;
 * GroupNorm → SiLU → conv_out. Transformers use linear projections, self-attention (cross-attention
 * where {@code only_cross_attention}), cross-attention over the text, and a GEGLU feed-forward.
 */
final class StandInUnet {
  /**
   * A UNet2DConditionModel config.
   *
   * @param inChannels 4, or 7 for the upscaler (latents ‖ low-res RGB)
   * @param blockOut block_out_channels
   * @param attention per down block, whether it has transformers (up blocks mirror it)
   * @param onlyCross per down block, only_cross_attention
   * @param heads per down block, attention heads
   * @param classEmbeddings num_class_embeds, 0 for none
   */
  record Config(
      int inChannels,
      int[] blockOut,
      boolean[] attention,
      boolean[] onlyCross,
      int[] heads,
      int classEmbeddings) {
    int timeDim() {
      return 4 * blockOut[0];
    }
  }

  /** SD 2.x: block_out 320/640/1280/1280, attention head dim 64 (5/10/20/20 heads). */
  static final Config SD2 =
      new Config(
          LATENT_CHANNELS,
          new int[] {320, 640, 1280, 1280},
          new boolean[] {true, true, true, false},
          new boolean[] {false, false, false, false},
          new int[] {5, 10, 20, 20},
          0);

  /**
   * The SD x4 upscaler: 7 input channels, block_out 256/512/512/1024, no attention in the first
   * block, only_cross_attention in the middle two, 8 heads, a class embedding for the noise level.
   */
  static final Config X4 =
      new Config(
          LATENT_CHANNELS + MiniatureSpec.LOW_RES_CHANNELS,
          new int[] {256, 512, 512, 1024},
          new boolean[] {false, true, true, true},
          new boolean[] {true, true, true, false},
          new int[] {8, 8, 8, 8},
          1000);

  private static final int LAYERS_PER_BLOCK = 2;
  private static final double MAX_PERIOD = 10_000;
  private static final List<String> ATTENTION_NAMES = List.of("to_q", "to_k", "to_v", "to_out.0");

  private final StandInLayers layers;
  private final NetworkBlocks nn;
  private final OnnxGraphBuilder g;
  private final Config config;
  private final int crossDim;

  private StandInUnet(StandInLayers layers, Config config, int crossDim) {
    this.layers = layers;
    this.nn = layers.nn;
    this.g = layers.g;
    this.config = config;
    this.crossDim = crossDim;
  }

  static ModelProto build(StandInLayers layers, Config config, MiniatureSpec spec) {
    return new StandInUnet(layers, config, spec.text().hiddenSize()).network(spec);
  }

  private ModelProto network(MiniatureSpec spec) {
    MiniatureSpec.UnetIo io = spec.unet();
    String sample =
        g.floatInput("sample", BATCH, Integer.toString(config.inChannels()), "height", "width");
    String timestep =
        g.input("timestep", io.timestepType(), io.timestepDims().toArray(String[]::new));
    String context =
        g.floatInput(
            "encoder_hidden_states", BATCH, io.contextTokens(), Integer.toString(crossDim));
    int timeDim = config.timeDim();
    String time = timeEmbedding(timestep);
    if (config.classEmbeddings() > 0) {
      String classLabels = g.input("class_labels", DataType.INT64_VALUE, BATCH);
      String table = nn.gaussian("class_embedding.weight", 1.0, config.classEmbeddings(), timeDim);
      time =
          nn.add(
              time,
              g.node("Gather", List.of(table, classLabels), OnnxGraphBuilder.intAttr("axis", 0)));
    }

    int[] out = config.blockOut();
    int blocks = out.length;
    String h = layers.conv("conv_in", sample, config.inChannels(), out[0], 3, 1);
    int channels = out[0];
    Deque<String> skips = new ArrayDeque<>();
    Deque<Integer> skipChannels = new ArrayDeque<>();
    skips.push(h);
    skipChannels.push(channels);
    for (int block = 0; block < blocks; block++) {
      String scope = "down_blocks." + block;
      for (int layer = 0; layer < LAYERS_PER_BLOCK; layer++) {
        h = layers.resnet(scope + ".resnets." + layer, h, channels, out[block], time, timeDim);
        channels = out[block];
        if (config.attention()[block]) {
          h =
              transformer(
                  scope + ".attentions." + layer,
                  h,
                  channels,
                  config.heads()[block],
                  config.onlyCross()[block],
                  context);
        }
        skips.push(h);
        skipChannels.push(channels);
      }
      if (block < blocks - 1) {
        h = layers.downsample(scope + ".downsamplers.0.conv", h, channels);
        skips.push(h);
        skipChannels.push(channels);
      }
    }

    h = layers.resnet("mid_block.resnets.0", h, channels, channels, time, timeDim);
    h =
        transformer(
            "mid_block.attentions.0", h, channels, config.heads()[blocks - 1], false, context);
    h = layers.resnet("mid_block.resnets.1", h, channels, channels, time, timeDim);

    for (int up = 0; up < blocks; up++) {
      int mirrored = blocks - 1 - up;
      String scope = "up_blocks." + up;
      for (int layer = 0; layer <= LAYERS_PER_BLOCK; layer++) {
        int in = channels + skipChannels.pop();
        h =
            layers.resnet(
                scope + ".resnets." + layer,
                nn.concat(1, h, skips.pop()),
                in,
                out[mirrored],
                time,
                timeDim);
        channels = out[mirrored];
        if (config.attention()[mirrored]) {
          h =
              transformer(
                  scope + ".attentions." + layer,
                  h,
                  channels,
                  config.heads()[mirrored],
                  config.onlyCross()[mirrored],
                  context);
        }
      }
      if (up < blocks - 1) {
        h = layers.upsample(scope + ".upsamplers.0.conv", h, channels);
      }
    }

    String normed = nn.silu(layers.groupNorm("conv_norm_out", h, channels));
    String result =
        layers.conv("conv_out", normed, channels, LATENT_CHANNELS, 3, StandInLayers.SILU_GAIN);
    g.floatOutput(
        result, "out_sample", BATCH, Integer.toString(LATENT_CHANNELS), "height", "width");
    return g.build(StandInBundle.DISCLAIMER + ": UNet");
  }

  /**
   * Any timestep tensor → [n, timeDim]; the sinusoid is computed in float32 and cast to the compute
   * type, since its angles reach 1000 radians.
   */
  private String timeEmbedding(String timestep) {
    int channels = config.blockOut()[0];
    int half = channels / 2;
    float[] frequencies = new float[half];
    for (int i = 0; i < half; i++) {
      frequencies[i] = (float) Math.exp(-Math.log(MAX_PERIOD) * i / half);
    }
    String column = nn.reshape(g.cast(timestep, DataType.FLOAT_VALUE), g.int64Vector(-1, 1));
    String angles = nn.mul(column, g.float32Parameter("time_proj.frequencies", frequencies));
    String sinusoid =
        g.cast(
            nn.concat(1, g.node("Cos", List.of(angles)), g.node("Sin", List.of(angles))),
            g.computeType());
    int timeDim = config.timeDim();
    String hidden =
        nn.silu(layers.linear("time_embedding.linear_1", sinusoid, channels, timeDim, true, 1));
    return layers.linear("time_embedding.linear_2", hidden, timeDim, timeDim, true, 1);
  }

  /**
   * Transformer2DModel with linear projections and one BasicTransformerBlock, residual around the
   * whole.
   */
  private String transformer(
      String scope, String x, int channels, int heads, boolean onlyCross, String context) {
    String tokens = nn.imageToTokens(layers.groupNorm(scope + ".norm", x, channels), channels);
    tokens = layers.linear(scope + ".proj_in", tokens, channels, channels, true, 1);
    String block = scope + ".transformer_blocks.0";
    String normed = nn.layerNorm(block + ".norm1", tokens, channels);
    AttentionShape first = new AttentionShape(channels, onlyCross ? crossDim : channels, heads);
    tokens =
        nn.add(
            tokens,
            layers.attention(
                block + ".attn1",
                normed,
                onlyCross ? context : normed,
                first,
                ATTENTION_NAMES,
                false,
                null));
    normed = nn.layerNorm(block + ".norm2", tokens, channels);
    AttentionShape cross = new AttentionShape(channels, crossDim, heads);
    tokens =
        nn.add(
            tokens,
            layers.attention(
                block + ".attn2", normed, context, cross, ATTENTION_NAMES, false, null));
    normed = nn.layerNorm(block + ".norm3", tokens, channels);
    tokens = nn.add(tokens, layers.gegluFeedForward(block + ".ff", normed, channels));
    tokens =
        layers.linear(
            scope + ".proj_out", tokens, channels, channels, true, StandInLayers.RESIDUAL_GAIN);
    return nn.add(x, nn.tokensToImage(tokens, x));
  }
}
