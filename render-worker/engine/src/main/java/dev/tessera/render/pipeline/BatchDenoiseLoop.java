package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.schedule.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * The denoising loop of several renders at once (cross-job batching): at each timestep every render
 * still in the batch is scaled by its own scheduler, all are predicted in one UNet call ({@link
 * Unet#predictRenders}), and each steps with its own scheduler, noise and guidance scale, so each
 * follows exactly the path it would follow alone. A render whose own token is cancelled leaves the
 * batch before the next step; the others go on. The batch's token stops them all.
 */
final class BatchDenoiseLoop {
  /**
   * One render in the batch and its state.
   *
   * @param text its embeddings: negative then positive row where guided, else the positive one
   */
  static final class Lane {
    final BatchItem item;
    final Sampling sampling;
    final Embeddings text;
    final double guidance;
    float[] latents;

    Lane(BatchItem item, Sampling sampling, Embeddings text, double guidance, float[] latents) {
      this.item = item;
      this.sampling = sampling;
      this.text = text;
      this.guidance = guidance;
      this.latents = latents;
    }
  }

  private final Unet unet;

  BatchDenoiseLoop(Unet unet) {
    this.unet = unet;
  }

  /**
   * Denoises every lane from its scheduler's begin index (the same for all) to the end; the lanes
   * that finished hold their final latents, the ones dropped hold whatever they reached.
   *
   * @param shape the latent shape every lane shares
   * @return the lanes that ran to the end, in their order
   */
  List<Lane> run(List<Lane> lanes, PlanarImage shape, CancelToken batch, RunOptions run)
      throws OrtException {
    Scheduler first = lanes.get(0).sampling.scheduler();
    double[] timesteps = first.timesteps();
    int begin = first.beginIndex();
    List<Lane> active = new ArrayList<>(lanes);
    Unet.Context context = null;
    try {
      for (int i = begin; i < timesteps.length && !active.isEmpty(); i++) {
        batch.check();
        boolean dropped = active.removeIf(lane -> lane.item.cancel().isCancelled());
        if (active.isEmpty()) {
          break;
        }
        if (context == null || dropped) {
          if (context != null) {
            context.close();
          }
          context = unet.context(Embeddings.concat(active.stream().map(l -> l.text).toList()));
        }
        List<PlanarImage> inputs = new ArrayList<>(active.size());
        double[] guidance = new double[active.size()];
        for (int k = 0; k < active.size(); k++) {
          Lane lane = active.get(k);
          inputs.add(shape.withValues(lane.sampling.scheduler().scaleModelInput(lane.latents, i)));
          guidance[k] = lane.guidance;
        }
        float[][] predictions = unet.predictRenders(inputs, timesteps[i], context, guidance, run);
        for (int k = 0; k < active.size(); k++) {
          Lane lane = active.get(k);
          Sampling s = lane.sampling;
          lane.latents = s.scheduler().step(predictions[k], i, lane.latents, s.noise());
          lane.item.listener().onStep(i - begin + 1, timesteps.length - begin);
        }
      }
    } finally {
      if (context != null) {
        context.close();
      }
    }
    active.removeIf(lane -> lane.item.cancel().isCancelled());
    return active;
  }
}
