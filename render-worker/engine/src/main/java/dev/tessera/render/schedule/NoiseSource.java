package dev.tessera.render.schedule;

/**
 * Standard normal noise for ancestral sampling. Each call returns {@code n} fresh N(0, 1) values in
 * the order a torch-compatible generator would produce them for a tensor of {@code n} elements; the
 * scheduler owns the returned array. Only {@link Scheduler#step} of an ancestral scheduler draws
 * from it.
 */
public interface NoiseSource {

  /** {@code n} independent standard normal values, in a new array. */
  float[] randn(int n);
}
