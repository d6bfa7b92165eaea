package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * Everything that differs between miniature bundles: the I/O contract of the real export a kind
 * imitates, its scheduler and tokenizer settings, and the seed of its weights.
 */
record MiniatureSpec(
    Weights weights, Text text, UnetIo unet, Scheduling scheduling, VaeEncoderIo vaeEncoder) {
  /**
   * How the networks' weights are drawn and stored.
   *
   * @param seed base seed; each network adds its own offset
   * @param fp16 stores floats as float16
   */
  record Weights(long seed, boolean fp16) {}

  /**
   * The text side.
   *
   * @param hiddenSize width H of the text encoder's hidden states (real: 1024 for SD 2.x, 768 for
   *     SD 1.x)
   * @param inputIdsType element type of the text encoder's {@code input_ids}
   * @param padToken the tokenizer's padding token
   */
  record Text(int hiddenSize, int inputIdsType, String padToken) {}

  /**
   * The UNet's inputs.
   *
   * @param timestepType element type of {@code timestep}
   * @param timestepDims dims of {@code timestep}; empty for a rank-0 scalar
   * @param batch the batch dimension: symbolic {@code batch}, or {@code 1} for a static batch
   * @param upscaler the x4 upscaler's contract: a {@code sample} of latents ‖ low-res RGB and
   *     {@code class_labels}
   */
  record UnetIo(int timestepType, List<String> timestepDims, String batch, boolean upscaler) {
    /**
     * Channels of {@code sample}: the latents, and for the upscaler the low-res RGB image after
     * them.
     */
    int inChannels() {
      return upscaler ? LATENT_CHANNELS + LOW_RES_CHANNELS : LATENT_CHANNELS;
    }

    /**
     * The token axis of {@code encoder_hidden_states}: fixed at 77 where the batch is static (as
     * older exports fixed every axis), else symbolic, so prompts longer than 77 tokens fit.
     */
    String contextTokens() {
      return "1".equals(batch) ? Integer.toString(MAX_TOKENS) : "sequence";
    }
  }

  /**
   * The scheduler the bundle names and what its UNet predicts.
   *
   * @param className {@code _class_name} of {@code scheduler_config.json}
   * @param predictionType {@code epsilon} or {@code v_prediction}
   */
  record Scheduling(String className, String predictionType) {}

  /**
   * The VAE encoder's output.
   *
   * @param output its name; null where the bundle has no VAE encoder
   * @param channels 8 for mean ‖ logvar, 4 for a latent sample, 0 without a VAE encoder
   */
  record VaeEncoderIo(String output, int channels) {}

  static final String BATCH = "batch";
  static final int MAX_TOKENS = 77;
  static final int LATENT_CHANNELS = 4;

  /** The SD VAE's latent scaling factor: diffusion latents are VAE latents times this. */
  static final float VAE_SCALING_FACTOR = 0.18215f;

  /** Channels of the low-res RGB image the x4 upscaler's UNet takes after the latents. */
  static final int LOW_RES_CHANNELS = 3;

  /**
   * The spec of {@code kind}; fp16 stores floats as float16 and makes the timestep float16 of shape
   * [1].
   *
   * @throws IllegalArgumentException for {@link MiniatureKind#SR}, a single network without a
   *     diffusion spec
   */
  static MiniatureSpec of(MiniatureKind kind, boolean fp16) {
    MiniatureSpec full =
        switch (kind) {
          case SD2 ->
              new MiniatureSpec(
                  new Weights(2_100L, false),
                  new Text(64, DataType.INT32_VALUE, "!"),
                  new UnetIo(DataType.INT64_VALUE, List.of("1"), BATCH, false),
                  new Scheduling("PNDMScheduler", "epsilon"),
                  new VaeEncoderIo("latent_parameters", 2 * LATENT_CHANNELS));
          case SD2_V ->
              new MiniatureSpec(
                  new Weights(2_200L, false),
                  new Text(64, DataType.INT64_VALUE, "!"),
                  new UnetIo(DataType.FLOAT_VALUE, List.of(), BATCH, false),
                  new Scheduling("DDIMScheduler", "v_prediction"),
                  new VaeEncoderIo("latent_parameters", 2 * LATENT_CHANNELS));
          // timestep is [batch] with the batch fixed to 1
          case SD1 ->
              new MiniatureSpec(
                  new Weights(1_500L, false),
                  new Text(48, DataType.INT32_VALUE, "<|endoftext|>"),
                  new UnetIo(DataType.FLOAT_VALUE, List.of("1"), "1", false),
                  new Scheduling("PNDMScheduler", "epsilon"),
                  new VaeEncoderIo("latent_sample", LATENT_CHANNELS));
          // SD 2.x text side (OpenCLIP, "!" padding); timestep float32 [batch]; no VAE encoder
          case X4_UPSCALER ->
              new MiniatureSpec(
                  new Weights(4_400L, false),
                  new Text(64, DataType.INT64_VALUE, "!"),
                  new UnetIo(DataType.FLOAT_VALUE, List.of(BATCH), BATCH, true),
                  new Scheduling("DDIMScheduler", "v_prediction"),
                  new VaeEncoderIo(null, 0));
          case SR ->
              throw new IllegalArgumentException(
                  "the sr miniature is one network without a diffusion spec");
        };
    return fp16 ? full.halfPrecision() : full;
  }

  /** This spec with a text encoder {@code width} wide (the stand-ins' real 1024). */
  MiniatureSpec withTextWidth(int width) {
    return new MiniatureSpec(
        weights,
        new Text(width, text.inputIdsType(), text.padToken()),
        unet,
        scheduling,
        vaeEncoder);
  }

  private MiniatureSpec halfPrecision() {
    return new MiniatureSpec(
        new Weights(weights.seed(), true),
        text,
        new UnetIo(DataType.FLOAT16_VALUE, List.of("1"), unet.batch(), unet.upscaler()),
        scheduling,
        vaeEncoder);
  }

  /** Layers for a new graph with this spec's precision; each network passes its own seed offset. */
  NetworkBlocks newNetwork(String graphName, long seedOffset) {
    return new NetworkBlocks(
        new OnnxGraphBuilder(graphName, weights.fp16()), weights.seed() + seedOffset);
  }
}
