package dev.tessera.render.pipeline;

/** The shape {@code [1, channels, height, width]} of one image's latents. */
record LatentShape(int channels, int height, int width) {
  int size() {
    return channels * height * width;
  }
}
