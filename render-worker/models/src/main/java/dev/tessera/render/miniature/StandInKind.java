package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The full-size stand-ins {@code model stand-in --kind} writes: each is the architecture of one
 * published model, network by network, with the I/O contract of the miniature kind that imitates
 * the same export (see {@link MiniatureKind}).
 */
public enum StandInKind {
  /** stable-diffusion-2-1: 768 px, v prediction, DDIM. */
  SD21("sd21", MiniatureKind.SD2_V, 96),
  /** stable-diffusion-2-1-base: 512 px, epsilon prediction, PNDM. */
  SD21_BASE("sd21-base", MiniatureKind.SD2, 64),
  /** stable-diffusion-x4-upscaler: the 7-channel UNet with a noise-level class embedding. */
  X4_UPSCALER("x4-upscaler", MiniatureKind.X4_UPSCALER, 128);

  /**
   * One network of a bundle.
   *
   * @param dir its folder in the bundle, e.g. {@code unet}
   * @param seedOffset added to the kind's seed for its weights
   * @param build draws the graph with the given layers
   */
  record Network(String dir, long seedOffset, Function<StandInLayers, ModelProto> build) {}

  private final String cliName;
  private final MiniatureKind io;
  private final int sampleSize;

  StandInKind(String cliName, MiniatureKind io, int sampleSize) {
    this.cliName = cliName;
    this.io = io;
    this.sampleSize = sampleSize;
  }

  /** The name {@code --kind} takes, e.g. {@code sd21-base}. */
  public String cliName() {
    return cliName;
  }

  /** The latent size (the UNet config's sample_size) the real model was trained at. */
  public int sampleSize() {
    return sampleSize;
  }

  /** The miniature kind with the same I/O contract (tokenizer, scheduler, input types). */
  MiniatureKind io() {
    return io;
  }

  /** The spec: the miniature kind's I/O with the real 1024-wide text encoder. */
  MiniatureSpec spec(boolean fp16) {
    return MiniatureSpec.of(io, fp16).withTextWidth(StandInTextEncoder.WIDTH);
  }

  /** The networks of this kind's bundle, in the order they are written. */
  List<Network> networks(boolean fp16) {
    MiniatureSpec spec = spec(fp16);
    Network text = new Network("text_encoder", 1, layers -> StandInTextEncoder.build(layers, spec));
    if (this == X4_UPSCALER) {
      return List.of(
          text,
          new Network("unet", 2, layers -> StandInUnet.build(layers, StandInUnet.X4, spec)),
          new Network(
              "vae_decoder", 3, layers -> StandInVae.decoder(layers, StandInVae.X4_BLOCKS)));
    }
    return List.of(
        text,
        new Network("unet", 2, layers -> StandInUnet.build(layers, StandInUnet.SD2, spec)),
        new Network("vae_decoder", 3, layers -> StandInVae.decoder(layers, StandInVae.SD_BLOCKS)),
        new Network("vae_encoder", 4, layers -> StandInVae.encoder(layers, StandInVae.SD_BLOCKS)));
  }

  /**
   * Finds a kind by its {@link #cliName()}, ignoring case.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code name} matches none
   */
  public static StandInKind parse(String name) {
    for (StandInKind kind : values()) {
      if (kind.cliName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    String allowed =
        Arrays.stream(values()).map(StandInKind::cliName).collect(Collectors.joining(", "));
    throw new IllegalArgumentException("unknown stand-in kind '" + name + "'; allowed: " + allowed);
  }
}
