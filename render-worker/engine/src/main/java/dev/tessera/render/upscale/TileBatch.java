package dev.tessera.render.upscale;

/**
 * How many x4 UNet tiles go into one call when none is asked for: as many as a memory budget holds,
 * at an estimated activation cost per latent pixel of one batch item. Batching trades memory for
 * fewer, larger calls, which keeps a GPU busy; on a CPU it changes little. Stateless.
 */
public final class TileBatch {
  /**
   * An estimate of the peak activation memory of the SD x4 upscaler's fp32 UNet per latent pixel of
   * one batch item (its 128×128 tiles: about 400 MB an item). A deliberate over-estimate for fp16
   * exports; an assumption, not a measurement of every export.
   */
  public static final long BYTES_PER_LATENT_PIXEL = 24 * 1024;

  /** The memory budget an automatic tile batch fills: 2 GiB. */
  public static final long DEFAULT_BUDGET = 2L << 30;

  /** The most tiles one call takes, however large the budget. */
  public static final int MAX = 16;

  private TileBatch() {}

  /**
   * Tiles per call within {@code budgetBytes}: at least 1, at most {@code tiles} and {@link #MAX}.
   *
   * @param tileSide the UNet tile's side in latent pixels
   * @param halves batch items per tile (2 under classifier-free guidance)
   * @param tiles tiles per step
   */
  public static int auto(long budgetBytes, int tileSide, int halves, int tiles) {
    long perTile = BYTES_PER_LATENT_PIXEL * tileSide * (long) tileSide * halves;
    long fits = budgetBytes / perTile;
    return (int) Math.max(1, Math.min(Math.min(fits, MAX), Math.max(1, tiles)));
  }
}
