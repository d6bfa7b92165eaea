package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.MAX_TOKENS;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * An untrained CLIP-style text encoder with the I/O contract of an exported {@code
 * text_encoder/model.onnx}: {@code input_ids} [batch, 77] → {@code last_hidden_state} [batch, 77,
 * H] and {@code pooler_output} [batch, H].
 *
 * <p>Token embedding (Gather) plus a learned position embedding, {@value #LAYERS} pre-LayerNorm
 * transformer layers with causal self-attention (a constant additive mask) and a GELU feed-forward,
 * then a final LayerNorm. Unlike CLIP, {@code pooler_output} is the final state at the last
 * position (77th), not at the end-of-text token.
 */
final class MiniatureTextEncoder {
  static final int LAYERS = 2;
  static final int HEADS = 2;
  private static final float MASKED = -10_000f; // finite so that it also fits in float16
  private static final long SEED_OFFSET = 1;
  private static final float FINAL_BIAS = 0.25f;

  private MiniatureTextEncoder() {}

  /**
   * @param vocabularySize rows of the token embedding: one per vocab.json entry
   */
  static ModelProto build(MiniatureSpec spec, int vocabularySize) {
    int hidden = spec.text().hiddenSize();
    NetworkBlocks nn = spec.newNetwork("text_encoder", SEED_OFFSET);
    OnnxGraphBuilder g = nn.graph();
    String ids =
        g.input("input_ids", spec.text().inputIdsType(), BATCH, Integer.toString(MAX_TOKENS));

    String table = nn.gaussian("embeddings.token_embedding.weight", 1.0, vocabularySize, hidden);
    String tokens = g.node("Gather", List.of(table, ids), intAttr("axis", 0));
    String positions = nn.gaussian("embeddings.position_embedding.weight", 0.5, MAX_TOKENS, hidden);
    String x = nn.add(tokens, positions);

    String mask = g.weight("causal_mask", new long[] {MAX_TOKENS, MAX_TOKENS}, causalMask());
    for (int layer = 0; layer < LAYERS; layer++) {
      String scope = "encoder.layers." + layer;
      String normed = nn.layerNorm(scope + ".layer_norm1", x, hidden);
      AttentionShape selfAttention = new AttentionShape(hidden, hidden, HEADS);
      x = nn.add(x, nn.attention(scope + ".self_attn", normed, normed, selfAttention, mask));
      x =
          nn.add(
              x,
              nn.feedForward(
                  scope + ".mlp", nn.layerNorm(scope + ".layer_norm2", x, hidden), hidden, 4, 1));
    }
    // A trained CLIP's final LayerNorm has a bias, so its hidden states have a mean away from 0;
    // A1111's emphasis rescales by that mean, which a zero bias would leave at rounding noise.
    String last = nn.layerNorm("final_layer_norm", x, hidden, FINAL_BIAS);
    String pooled =
        g.node("Gather", List.of(last, g.int64Scalar(MAX_TOKENS - 1)), intAttr("axis", 1));

    String hiddenDim = Integer.toString(hidden);
    g.floatOutput(last, "last_hidden_state", BATCH, Integer.toString(MAX_TOKENS), hiddenDim);
    g.floatOutput(pooled, "pooler_output", BATCH, hiddenDim);
    return g.build(MiniatureBundle.DISCLAIMER + ": text encoder");
  }

  /** 0 where a query may see a key (key ≤ query), a large negative number above the diagonal. */
  private static float[] causalMask() {
    float[] mask = new float[MAX_TOKENS * MAX_TOKENS];
    for (int query = 0; query < MAX_TOKENS; query++) {
      for (int key = query + 1; key < MAX_TOKENS; key++) {
        mask[query * MAX_TOKENS + key] = MASKED;
      }
    }
    return mask;
  }
}
