package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OnnxGraphBuilder.intsAttr;

import java.util.List;

/**
 * The layers of the full-size stand-ins as diffusers and transformers define them, with their
 * state-dict names ({@code down_blocks.0.resnets.1.conv1.weight}, …), so that {@link
 * ParameterCount} finds exactly the real parameters and LoRA adapters find their layers by node
 * name. Built on {@link NetworkBlocks}; norms and activations come from there.
 *
 * <p>Lifetime: one instance per graph builder, used from one thread.
 */
final class StandInLayers {
  /** GroupNorm groups everywhere in the SD UNets and VAEs. */
  static final int GROUPS = 32;

  // GroupNorm → SiLU leaves an RMS of about 0.6; this gain brings a convolution back to unit scale
  static final double SILU_GAIN = 1.6;
  // residual branches enter at half scale so the residual stream grows slowly with depth
  static final double RESIDUAL_GAIN = 0.5;

  final NetworkBlocks nn;
  final OnnxGraphBuilder g;

  StandInLayers(NetworkBlocks nn) {
    this.nn = nn;
    this.g = nn.graph();
  }

  /** A square "same" convolution with bias. */
  String conv(String scope, String x, int in, int out, int kernel, double gain) {
    return nn.conv(scope, x, new ConvShape(in, out, kernel, 1), gain);
  }

  /** diffusers' Downsample2D with padding 1: a stride-2 3×3 convolution. */
  String downsample(String scope, String x, int channels) {
    return nn.conv(scope, x, new ConvShape(channels, channels, 3, 2), 1);
  }

  /**
   * The VAE encoder's Downsample2D with padding 0: pads one row and column at the bottom and right
   * only, then a stride-2 3×3 convolution.
   */
  String asymmetricDownsample(String scope, String x, int channels) {
    String w =
        nn.gaussian(scope + ".weight", 1 / Math.sqrt(channels * 9.0), channels, channels, 3, 3);
    String b = g.filledWeight(scope + ".bias", new long[] {channels}, 0f);
    return g.layerNode(
        scope,
        "Conv",
        List.of(x, w, b),
        intsAttr("kernel_shape", 3, 3),
        intsAttr("strides", 2, 2),
        intsAttr("pads", 0, 0, 1, 1));
  }

  /** Nearest ×2 upsampling and a 3×3 convolution (Upsample2D). */
  String upsample(String scope, String x, int channels) {
    return conv(scope, nn.upsample2x(x), channels, channels, 3, 1);
  }

  /** {@code x · W (+ b)} over the last axis. */
  String linear(String scope, String x, int in, int out, boolean bias, double gain) {
    if (bias) {
      return nn.linear(scope, x, in, out, gain);
    }
    String w = nn.gaussian(scope + ".weight", gain / Math.sqrt(in), in, out);
    return g.layerNode(scope, "MatMul", List.of(x, w));
  }

  String groupNorm(String scope, String x, int channels) {
    return nn.groupNorm(scope, x, channels, GROUPS);
  }

  /**
   * ResnetBlock2D: GroupNorm → SiLU → conv1, plus the projected time embedding where there is one,
   * GroupNorm → SiLU → conv2, plus the input (through a 1×1 conv_shortcut when the width changes).
   *
   * @param time [n, timeDim] with n 1 or the batch, or null (the VAE's blocks)
   */
  String resnet(String scope, String x, int in, int out, String time, int timeDim) {
    String h =
        conv(scope + ".conv1", nn.silu(groupNorm(scope + ".norm1", x, in)), in, out, 3, SILU_GAIN);
    if (time != null) {
      String projected = linear(scope + ".time_emb_proj", nn.silu(time), timeDim, out, true, 1);
      h = nn.add(h, nn.reshape(projected, g.int64Vector(-1, out, 1, 1)));
    }
    h =
        conv(
            scope + ".conv2",
            nn.silu(groupNorm(scope + ".norm2", h, out)),
            out,
            out,
            3,
            RESIDUAL_GAIN);
    String shortcut = in == out ? x : conv(scope + ".conv_shortcut", x, in, out, 1, 1);
    return nn.add(shortcut, h);
  }

  /**
   * Multi-head attention with the projections named as in diffusers ({@code to_q}, {@code to_k},
   * {@code to_v}, {@code to_out.0}) or CLIP ({@code q_proj}, …, {@code out_proj}).
   *
   * @param names the four projection names, query first
   * @param qkvBias whether the query, key and value projections have a bias (the output one has)
   * @param mask additive [L, S] mask or null
   */
  String attention(
      String scope,
      String x,
      String context,
      AttentionShape shape,
      List<String> names,
      boolean qkvBias,
      String mask) {
    int dim = shape.dim();
    int heads = shape.heads();
    int headDim = dim / heads;
    String splitHeads = g.int64Vector(0, 0, heads, headDim);
    String q =
        linear(scope + "." + names.get(0), x, dim, dim, qkvBias, 1 / Math.sqrt(Math.sqrt(headDim)));
    String k =
        linear(
            scope + "." + names.get(1),
            context,
            shape.contextDim(),
            dim,
            qkvBias,
            1 / Math.sqrt(Math.sqrt(headDim)));
    String v = linear(scope + "." + names.get(2), context, shape.contextDim(), dim, qkvBias, 1);
    q = nn.transpose(nn.reshape(q, splitHeads), 0, 2, 1, 3);
    String kT = nn.transpose(nn.reshape(k, splitHeads), 0, 2, 3, 1);
    v = nn.transpose(nn.reshape(v, splitHeads), 0, 2, 1, 3);
    String scores =
        nn.mul(
            g.node("MatMul", List.of(q, kT)),
            g.scalarWeight(scope + ".scale", (float) (1 / Math.sqrt(headDim))));
    if (mask != null) {
      scores = nn.add(scores, mask);
    }
    String probabilities = g.node("Softmax", List.of(scores), OnnxGraphBuilder.intAttr("axis", -1));
    String perHead = g.node("MatMul", List.of(probabilities, v));
    String merged = nn.reshape(nn.transpose(perHead, 0, 2, 1, 3), g.int64Vector(0, 0, dim));
    return linear(scope + "." + names.get(3), merged, dim, dim, true, 1);
  }

  /**
   * diffusers' FeedForward with GEGLU: a projection to 2×4·dim, value × GELU(gate), back to dim.
   */
  String gegluFeedForward(String scope, String x, int dim) {
    int inner = 4 * dim;
    String projected = linear(scope + ".net.0.proj", x, dim, 2 * inner, true, 1);
    String axis = g.int64Vector(-1);
    String value =
        g.node("Slice", List.of(projected, g.int64Vector(0), g.int64Vector(inner), axis));
    String gate =
        g.node("Slice", List.of(projected, g.int64Vector(inner), g.int64Vector(2 * inner), axis));
    String hidden = nn.mul(value, nn.gelu(scope + ".net.0", gate));
    return linear(scope + ".net.2", hidden, inner, dim, true, RESIDUAL_GAIN);
  }
}
