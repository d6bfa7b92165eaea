package dev.tessera.render.miniature;

/**
 * The shape of a square convolution in {@link NetworkBlocks}: channels in and out, the kernel's
 * side, the stride.
 */
record ConvShape(int in, int out, int kernel, int stride) {
  /** The weight's shape, [out, in, kernel, kernel]. */
  long[] weightShape() {
    return new long[] {out, in, kernel, kernel};
  }
}
