package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.OnnxGraphBuilder.floatAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intsAttr;
import static dev.tessera.render.miniature.OnnxGraphBuilder.stringAttr;

import java.util.List;

/**
 * The neural-network layers the miniature networks are made of (convolution, linear,
 * normalisations, attention, …), written into one {@link OnnxGraphBuilder} with freshly drawn
 * Gaussian weights. Every block works for any batch and spatial size: reshapes use 0/-1 entries or
 * the runtime shape of a tensor, never the sizes seen at build time.
 *
 * <p>Initialisation: a weight fed by {@code n} inputs is drawn from N(0, (gain²/n)), biases start
 * at zero and norm scales at one, so a caller chooses {@code gain} to keep activations at unit-ish
 * scale. Lifetime: one instance per graph builder, used from one thread.
 */
final class NetworkBlocks {
  private static final float NORM_EPSILON = 1e-5f;

  private final OnnxGraphBuilder graph;
  private final GaussianWeights weights;

  NetworkBlocks(OnnxGraphBuilder graph, long seed) {
    this(graph, new GaussianWeights(seed));
  }

  NetworkBlocks(OnnxGraphBuilder graph, GaussianWeights weights) {
    this.graph = graph;
    this.weights = weights;
  }

  OnnxGraphBuilder graph() {
    return graph;
  }

  /** A weight of {@code shape} drawn from N(0, std²). */
  String gaussian(String label, double std, long... shape) {
    int count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, Math.toIntExact(dim));
    }
    // a graph that only counts its weights needs no values: zeros save drawing a billion numbers
    return graph.weight(
        label, shape, graph.storesValues() ? weights.next(count, std) : new float[count]);
  }

  /** A square convolution of {@code shape} with "same" padding, NCHW in and out. */
  String conv(String scope, String x, ConvShape shape, double gain) {
    int taps = shape.kernel() * shape.kernel();
    String w =
        gaussian(
            scope + ".weight", gain / Math.sqrt((double) shape.in() * taps), shape.weightShape());
    return convolve(scope, x, w, shape);
  }

  /**
   * A convolution like {@link #conv} with the given weights, laid out [out, in, kernel, kernel].
   */
  String conv(String scope, String x, float[] values, ConvShape shape) {
    String w = graph.weight(scope + ".weight", shape.weightShape(), values);
    return convolve(scope, x, w, shape);
  }

  private String convolve(String scope, String x, String w, ConvShape shape) {
    String b = graph.filledWeight(scope + ".bias", new long[] {shape.out()}, 0f);
    int kernel = shape.kernel();
    int pad = kernel / 2;
    return graph.layerNode(
        scope,
        "Conv",
        List.of(x, w, b),
        intsAttr("kernel_shape", kernel, kernel),
        intsAttr("strides", shape.stride(), shape.stride()),
        intsAttr("pads", pad, pad, pad, pad));
  }

  /**
   * Like {@link #conv}, but every kernel slice (one output channel, one input channel) sums to
   * zero, so an input that is constant per channel gives a zero output. After a SiLU, whose output
   * has a positive mean, this keeps those means from turning into per-channel offsets of the
   * result.
   */
  String centeredConv(String scope, String x, ConvShape shape, double gain) {
    int taps = shape.kernel() * shape.kernel();
    int slices = shape.out() * shape.in();
    float[] values = weights.next(slices * taps, gain / Math.sqrt((double) shape.in() * taps));
    for (int slice = 0; slice < slices; slice++) {
      double sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += values[slice * taps + t];
      }
      float mean = (float) (sum / taps);
      for (int t = 0; t < taps; t++) {
        values[slice * taps + t] -= mean;
      }
    }
    return conv(scope, x, values, shape);
  }

  /** {@code x · W + b} over the last axis of a tensor of any rank. */
  String linear(String scope, String x, int in, int out, double gain) {
    String w = gaussian(scope + ".weight", gain / Math.sqrt(in), in, out);
    String b = graph.filledWeight(scope + ".bias", new long[] {out}, 0f);
    return add(graph.layerNode(scope, "MatMul", List.of(x, w)), b);
  }

  /** SiLU as {@code x · sigmoid(x)} (opset 17 has no SiLU operator). */
  String silu(String x) {
    return mul(x, graph.node("Sigmoid", List.of(x)));
  }

  /** Exact GELU, {@code x · (1 + erf(x/√2)) / 2}, the way PyTorch exports it at opset 17. */
  String gelu(String scope, String x) {
    String scaled = mul(x, graph.scalarWeight(scope + ".inv_sqrt2", (float) (1 / Math.sqrt(2))));
    String erf = graph.node("Erf", List.of(scaled));
    String onePlus = add(erf, graph.scalarWeight(scope + ".one", 1f));
    return mul(mul(x, onePlus), graph.scalarWeight(scope + ".half", 0.5f));
  }

  /**
   * GroupNorm over NCHW as exported from PyTorch: reshape to [N, groups, -1],
   * InstanceNormalization, reshape back, then the per-channel affine transform.
   */
  String groupNorm(String scope, String x, int channels, int groups) {
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          scope + ": " + channels + " channels do not split into " + groups + " groups");
    }
    String grouped = reshape(x, graph.int64Vector(0, groups, -1));
    String normalized =
        graph.node(
            "InstanceNormalization",
            List.of(
                grouped,
                graph.filledWeight(scope + ".group_scale", new long[] {groups}, 1f),
                graph.filledWeight(scope + ".group_bias", new long[] {groups}, 0f)),
            floatAttr("epsilon", NORM_EPSILON));
    String restored = reshape(normalized, graph.node("Shape", List.of(x)));
    long[] perChannel = {channels, 1, 1};
    String scaled = mul(restored, graph.filledWeight(scope + ".weight", perChannel, 1f));
    return add(scaled, graph.filledWeight(scope + ".bias", perChannel, 0f));
  }

  /** LayerNormalization over the last axis. */
  String layerNorm(String scope, String x, int dim) {
    return layerNorm(scope, x, dim, 0f);
  }

  /** LayerNormalization over the last axis, its bias filled with {@code bias}. */
  String layerNorm(String scope, String x, int dim, float bias) {
    return graph.node(
        "LayerNormalization",
        List.of(
            x,
            graph.filledWeight(scope + ".weight", new long[] {dim}, 1f),
            graph.filledWeight(scope + ".bias", new long[] {dim}, bias)),
        intAttr("axis", -1),
        floatAttr("epsilon", NORM_EPSILON));
  }

  /**
   * Multi-head scaled dot-product attention with input and output projections.
   *
   * @param x queries' source, [N, L, dim]
   * @param context keys' and values' source, [N, S, contextDim]; pass {@code x} for self-attention
   * @param additiveMask a float tensor broadcastable to [N, heads, L, S] added to the scores, or
   *     null
   * @return [N, L, dim]
   */
  String attention(
      String scope, String x, String context, AttentionShape shape, String additiveMask) {
    int dim = shape.dim();
    int contextDim = shape.contextDim();
    int heads = shape.heads();
    if (dim % heads != 0) {
      throw new IllegalArgumentException(
          scope + ": dimension " + dim + " does not split into " + heads + " heads");
    }
    int headDim = dim / heads;
    String splitHeads = graph.int64Vector(0, 0, heads, headDim);
    String q = transpose(reshape(linear(scope + ".q", x, dim, dim, 1), splitHeads), 0, 2, 1, 3);
    String kT =
        transpose(
            reshape(linear(scope + ".k", context, contextDim, dim, 1), splitHeads), 0, 2, 3, 1);
    String v =
        transpose(
            reshape(linear(scope + ".v", context, contextDim, dim, 1), splitHeads), 0, 2, 1, 3);
    String scores =
        mul(
            graph.node("MatMul", List.of(q, kT)),
            graph.scalarWeight(scope + ".scale", (float) (1 / Math.sqrt(headDim))));
    if (additiveMask != null) {
      scores = add(scores, additiveMask);
    }
    String probabilities = graph.node("Softmax", List.of(scores), intAttr("axis", -1));
    String perHead = graph.node("MatMul", List.of(probabilities, v));
    String merged = reshape(transpose(perHead, 0, 2, 1, 3), graph.int64Vector(0, 0, dim));
    return linear(scope + ".out", merged, dim, dim, 1);
  }

  /** Linear → GELU → Linear, widening by {@code multiplier} in between. */
  String feedForward(String scope, String x, int dim, int multiplier, double outGain) {
    String hidden = gelu(scope + ".act", linear(scope + ".fc1", x, dim, dim * multiplier, 1));
    return linear(scope + ".fc2", hidden, dim * multiplier, dim, outGain);
  }

  /**
   * The mean of each {@code factor}×{@code factor} block of NCHW; height and width shrink by {@code
   * factor}.
   */
  String averagePool(String x, int factor) {
    return graph.node(
        "AveragePool",
        List.of(x),
        intsAttr("kernel_shape", factor, factor),
        intsAttr("strides", factor, factor));
  }

  /**
   * Nearest-neighbour ×2 upsampling of NCHW; pixel (y, x) copies input (⌊y/2⌋, ⌊x/2⌋) whatever the
   * size.
   */
  String upsample2x(String x) {
    return graph.node(
        "Resize",
        List.of(x, "", graph.float32Parameter("upsample_scales", 1f, 1f, 2f, 2f)),
        stringAttr("mode", "nearest"),
        stringAttr("coordinate_transformation_mode", "asymmetric"),
        stringAttr("nearest_mode", "floor"));
  }

  /** NCHW [N, C, H, W] → tokens [N, H·W, C]. */
  String imageToTokens(String x, int channels) {
    return transpose(reshape(x, graph.int64Vector(0, channels, -1)), 0, 2, 1);
  }

  /** Tokens [N, H·W, C] → NCHW with the runtime shape of {@code likeImage}. */
  String tokensToImage(String tokens, String likeImage) {
    return reshape(transpose(tokens, 0, 2, 1), graph.node("Shape", List.of(likeImage)));
  }

  String reshape(String x, String shape) {
    return graph.node("Reshape", List.of(x, shape));
  }

  String transpose(String x, long... perm) {
    return graph.node("Transpose", List.of(x), intsAttr("perm", perm));
  }

  String add(String a, String b) {
    return graph.node("Add", List.of(a, b));
  }

  String mul(String a, String b) {
    return graph.node("Mul", List.of(a, b));
  }

  String concat(int axis, String... parts) {
    return graph.node("Concat", List.of(parts), intAttr("axis", axis));
  }
}
