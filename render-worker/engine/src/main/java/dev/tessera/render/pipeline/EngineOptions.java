package dev.tessera.render.pipeline;

import dev.tessera.render.onnx.ExecutionProvider;

/**
 * How a {@link Renderer} runs: which execution provider, how many CPU threads, and the VAE decode
 * tile size.
 *
 * @param device {@code AUTO} picks CUDA where the build and the machine have it
 * @param cudaDevice CUDA device id
 * @param threads intra-op threads; 0 lets ONNX Runtime use every core
 * @param decodeTile latent tile edge above which VAE decoding is tiled (64 latents = 512 px)
 * @param decodeOverlap overlap of neighbouring decode tiles, in latents
 */
public record EngineOptions(
    ExecutionProvider.Preference device,
    int cudaDevice,
    int threads,
    int decodeTile,
    int decodeOverlap) {

  /** Auto device, all cores, 512-pixel decode tiles overlapping by 128 pixels. */
  public static EngineOptions defaults() {
    return new EngineOptions(ExecutionProvider.Preference.AUTO, 0, 0, 64, 16);
  }

  /**
   * The VAE decode tiles.
   *
   * @throws IllegalArgumentException when the tile is not positive or the overlap is outside [0,
   *     tile)
   */
  public Tiling decodeTiles() {
    return new Tiling(decodeTile, decodeOverlap);
  }

  /** The same options on another device and thread count. */
  public EngineOptions withDevice(
      ExecutionProvider.Preference device, int cudaDevice, int threads) {
    return new EngineOptions(device, cudaDevice, threads, decodeTile, decodeOverlap);
  }

  /** The same options with another decode tile size. */
  public EngineOptions withDecodeTile(int tile, int overlap) {
    return new EngineOptions(device, cudaDevice, threads, tile, overlap);
  }
}
