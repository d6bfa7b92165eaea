package dev.tessera.render.miniature;

import static dev.tessera.render.miniature.MiniatureSpec.BATCH;
import static dev.tessera.render.miniature.MiniatureSpec.MAX_TOKENS;
import static dev.tessera.render.miniature.OnnxGraphBuilder.intAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * The OpenCLIP ViT-H/14 text tower as SD 2.x ships it (transformers' CLIPTextModel: width 1024, 16
 * heads, 23 of its 24 layers, GELU, a final LayerNorm, 49,408 tokens, 77 positions), with the I/O
 * contract of {@code text_encoder/model.onnx}: {@code input_ids} [batch, 77] → {@code
 * last_hidden_state} [batch, 77, 1024] and {@code pooler_output} [batch, 1024], the state at each
 * row's end-of-text token (the highest id, as CLIP finds it).
 */
final class StandInTextEncoder {
  static final int WIDTH = 1024;
  static final int HEADS = 16;
  static final int LAYERS = 23;
  static final int VOCABULARY = 49_408;
  private static final float MASKED = -10_000f; // finite so that it also fits in float16
  private static final List<String> ATTENTION_NAMES =
      List.of("q_proj", "k_proj", "v_proj", "out_proj");

  private StandInTextEncoder() {}

  static ModelProto build(StandInLayers layers, MiniatureSpec spec) {
    NetworkBlocks nn = layers.nn;
    OnnxGraphBuilder g = layers.g;
    String ids = g.input("input_ids", spec.text().inputIdsType(), BATCH, "77");
    String table = nn.gaussian("embeddings.token_embedding.weight", 1.0, VOCABULARY, WIDTH);
    String tokens = g.node("Gather", List.of(table, ids), intAttr("axis", 0));
    String positions = nn.gaussian("embeddings.position_embedding.weight", 0.5, MAX_TOKENS, WIDTH);
    String x = nn.add(tokens, positions);

    String mask = g.weight("causal_mask", new long[] {MAX_TOKENS, MAX_TOKENS}, causalMask());
    AttentionShape shape = new AttentionShape(WIDTH, WIDTH, HEADS);
    for (int layer = 0; layer < LAYERS; layer++) {
      String scope = "text_model.encoder.layers." + layer;
      String normed = nn.layerNorm(scope + ".layer_norm1", x, WIDTH);
      x =
          nn.add(
              x,
              layers.attention(
                  scope + ".self_attn", normed, normed, shape, ATTENTION_NAMES, true, mask));
      normed = nn.layerNorm(scope + ".layer_norm2", x, WIDTH);
      String hidden =
          nn.gelu(
              scope + ".mlp.act",
              layers.linear(scope + ".mlp.fc1", normed, WIDTH, 4 * WIDTH, true, 1));
      x =
          nn.add(
              x,
              layers.linear(
                  scope + ".mlp.fc2", hidden, 4 * WIDTH, WIDTH, true, StandInLayers.RESIDUAL_GAIN));
    }
    String last = nn.layerNorm("text_model.final_layer_norm", x, WIDTH);

    // the end-of-text token has the highest id of the vocabulary, so ArgMax finds it
    String eos =
        g.node(
            "ArgMax",
            List.of(g.cast(ids, DataType.FLOAT_VALUE)),
            intAttr("axis", 1),
            intAttr("keepdims", 1));
    String pooled = g.node("GatherND", List.of(last, eos), intAttr("batch_dims", 1));

    String width = Integer.toString(WIDTH);
    g.floatOutput(last, "last_hidden_state", BATCH, "77", width);
    g.floatOutput(pooled, "pooler_output", BATCH, width);
    return g.build(StandInBundle.DISCLAIMER + ": text encoder");
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
