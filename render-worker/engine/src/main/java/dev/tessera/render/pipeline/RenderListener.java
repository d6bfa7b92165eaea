package dev.tessera.render.pipeline;

/** Hears a render's progress; called on the rendering thread, so it must return quickly. */
@FunctionalInterface
public interface RenderListener {
  RenderListener NONE = (step, total) -> {};

  /** Denoising step {@code step} (1-based) of {@code total} has finished. */
  void onStep(int step, int total);
}
