package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * Everything that differs between miniature bundles: the I/O contract of the real export a kind imitates, its
 * scheduler and tokenizer settings, and the seed of its weights.
 *
 * @param seed base seed; each network adds its own offset
 * @param textHiddenSize width H of the text encoder's hidden states (real: 1024 for SD 2.x, 768 for SD 1.x)
 * @param inputIdsType element type of the text encoder's {@code input_ids}
 * @param timestepType element type of the UNet's {@code timestep}
 * @param timestepDims dims of the UNet's {@code timestep}; empty for a rank-0 scalar
 * @param unetBatch the UNet's batch dimension: symbolic {@code batch}, or {@code 1} for a static batch
 * @param vaeEncoderOutput name of the VAE encoder's output; null where the bundle has no VAE encoder
 * @param vaeEncoderChannels 8 for mean ‖ logvar, 4 for a latent sample, 0 without a VAE encoder
 * @param upscaler the x4 upscaler's UNet contract: a {@code sample} of latents ‖ low-res RGB and {@code class_labels}
 */
record MiniatureSpec(
    MiniatureKind kind,
    boolean fp16,
    long seed,
    int textHiddenSize,
    int inputIdsType,
    int timestepType,
    List<String> timestepDims,
    String unetBatch,
    String schedulerClass,
    String predictionType,
    String padToken,
    String vaeEncoderOutput,
    int vaeEncoderChannels,
    boolean upscaler) {

  static final String BATCH = "batch";
  static final int MAX_TOKENS = 77;
  static final int LATENT_CHANNELS = 4;
  /** The SD VAE's latent scaling factor: diffusion latents are VAE latents times this. */
  static final float VAE_SCALING_FACTOR = 0.18215f;
  /** Channels of the low-res RGB image the x4 upscaler's UNet takes after the latents. */
  static final int LOW_RES_CHANNELS = 3;

  /**
   * The spec of {@code kind}; fp16 stores floats as float16 and makes the timestep float16 of shape [1].
   *
   * @throws IllegalArgumentException for {@link MiniatureKind#SR}, a single network without a diffusion spec
   */
  static MiniatureSpec of(MiniatureKind kind, boolean fp16) {
    MiniatureSpec full = switch (kind) {
      case SD2 -> new MiniatureSpec(kind, false, 2_100L, 64, DataType.INT32_VALUE, DataType.INT64_VALUE,
          List.of("1"), BATCH, "PNDMScheduler", "epsilon", "!", "latent_parameters", 2 * LATENT_CHANNELS, false);
      case SD2_V -> new MiniatureSpec(kind, false, 2_200L, 64, DataType.INT64_VALUE, DataType.FLOAT_VALUE,
          List.of(), BATCH, "DDIMScheduler", "v_prediction", "!", "latent_parameters", 2 * LATENT_CHANNELS, false);
      // timestep is [batch] with the batch fixed to 1
      case SD1 -> new MiniatureSpec(kind, false, 1_500L, 48, DataType.INT32_VALUE, DataType.FLOAT_VALUE,
          List.of("1"), "1", "PNDMScheduler", "epsilon", "<|endoftext|>", "latent_sample", LATENT_CHANNELS, false);
      // SD 2.x text side (OpenCLIP, "!" padding); timestep float32 [batch]; no VAE encoder
      case X4_UPSCALER -> new MiniatureSpec(kind, false, 4_400L, 64, DataType.INT64_VALUE, DataType.FLOAT_VALUE,
          List.of(BATCH), BATCH, "DDIMScheduler", "v_prediction", "!", null, 0, true);
      case SR -> throw new IllegalArgumentException("the sr miniature is one network without a diffusion spec");
    };
    return fp16 ? full.halfPrecision() : full;
  }

  private MiniatureSpec halfPrecision() {
    return new MiniatureSpec(kind, true, seed, textHiddenSize, inputIdsType, DataType.FLOAT16_VALUE, List.of("1"),
        unetBatch, schedulerClass, predictionType, padToken, vaeEncoderOutput, vaeEncoderChannels, upscaler);
  }

  /** Channels of the UNet's {@code sample}: the latents, and for the upscaler the low-res RGB image after them. */
  int unetInChannels() {
    return upscaler ? LATENT_CHANNELS + LOW_RES_CHANNELS : LATENT_CHANNELS;
  }

  /** Layers for a new graph with this spec's precision; each network passes its own seed offset. */
  NetworkBlocks newNetwork(String graphName, long seedOffset) {
    return new NetworkBlocks(new OnnxGraphBuilder(graphName, fp16), seed + seedOffset);
  }
}
