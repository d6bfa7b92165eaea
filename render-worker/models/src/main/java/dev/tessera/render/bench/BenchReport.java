package dev.tessera.render.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@code bench gpu} measured, as written to its JSON file. Times are wall-clock; memory is the
 * device's used memory above what was in use before the bench loaded anything (null without
 * nvidia-smi).
 *
 * @param device the GPU's name as nvidia-smi gives it, or {@code cpu (N cores)}
 * @param provider the execution provider the engine chose, in its words
 * @param precision {@code fp16} or {@code fp32}: the stand-ins' weights and compute
 * @param size the render's width and height, px
 * @param secondsPerImage the render alone: tokenize, text encoder, denoise, VAE decode
 * @param upscaleDetail the engine's account of the upscale (tiles, steps, decode tiles, resize)
 * @param wholeJobSeconds render and upscale, as one worker job runs them (PNG and upload not
 *     counted)
 * @param batches one UNet call of B jobs (2B rows under guidance) per B that ran
 * @param batchLimit why the series stopped early (a batch beyond the device's memory), or null
 * @param placement kernels per execution provider in one UNet call, from ONNX Runtime's profile
 */
public record BenchReport(
    String device,
    String provider,
    String precision,
    int size,
    int steps,
    int upscaleSteps,
    int target,
    int tileBatch,
    double loadSeconds,
    double secondsPerImage,
    double msPerStep,
    double textEncodeMs,
    double decodeMs,
    double upscaleMs,
    String upscaleDetail,
    double wholeJobSeconds,
    Long peakGpuMiBJob,
    Long peakGpuMiBBatches,
    List<Batch> batches,
    String batchLimit,
    Map<String, Integer> placement) {
  /**
   * One batched UNet call.
   *
   * @param jobs B, the jobs sharing the call
   * @param unetCallMs one call (one denoising step of all B jobs)
   * @param msPerImageStep {@code unetCallMs / B}
   * @param imagesPerMinute whole jobs a minute for one worker batching B at a time: B / (steps ×
   *     call + B × the job's text-encode, decode and upscale time)
   */
  public record Batch(int jobs, double unetCallMs, double msPerImageStep, double imagesPerMinute) {}

  /** The table {@code bench gpu} prints. */
  public String table() {
    StringBuilder t = new StringBuilder();
    t.append(String.format("device      %s%n", device));
    t.append(String.format("provider    %s (%s)%n", provider, precision));
    t.append(
        String.format(
            "render      %dx%d, %d steps: %.2f s/image, %.1f ms/step (text %.0f ms, decode %.0f ms)%n",
            size, size, steps, secondsPerImage, msPerStep, textEncodeMs, decodeMs));
    t.append(String.format("upscale     %.2f s (%s)%n", upscaleMs / 1000, upscaleDetail));
    t.append(String.format("whole job   %.2f s%n", wholeJobSeconds));
    t.append(
        String.format(
            "GPU memory  %s job, %s batches (peak above the idle device)%n",
            peakGpuMiBJob == null ? "n/a" : peakGpuMiBJob + " MiB",
            peakGpuMiBBatches == null ? "n/a" : peakGpuMiBBatches + " MiB"));
    t.append(String.format("placement   %s%n", placement));
    t.append(
        String.format("%-4s %14s %16s %14s%n", "B", "UNet call ms", "ms/step/image", "images/min"));
    for (Batch b : batches) {
      t.append(
          String.format(
              "%-4d %14.1f %16.1f %14.2f%n",
              b.jobs(), b.unetCallMs(), b.msPerImageStep(), b.imagesPerMinute()));
    }
    if (batchLimit != null) {
      t.append(batchLimit).append('\n');
    }
    return t.toString();
  }
}
