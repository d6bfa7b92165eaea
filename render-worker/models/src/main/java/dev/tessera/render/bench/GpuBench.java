package dev.tessera.render.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.Tensors;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.RenderResult;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleSettings;
import dev.tessera.render.upscale.Upscaled;
import dev.tessera.render.upscale.X4Options;
import dev.tessera.render.upscale.X4Upscaler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures one SD 2.1 job and batched UNet calls through the engine on one device: a warm-up job,
 * then a timed job (render at {@code size}, {@code steps} steps, then the x4 upscale to {@code
 * target}, tiled as the engine tiles it), then the UNet alone at batch B = 1, 2, 4, 8 (2B rows
 * under guidance, as B jobs sharing a call would send), each call repeated and averaged.
 *
 * <p>Checks itself: with {@code --device cuda} the engine must have chosen the CUDA provider, and
 * ONNX Runtime's profile of one UNet call must show kernels on it and none of the heavy operators
 * ({@link NodePlacement#HEAVY}) on the CPU; otherwise it fails naming what ran where.
 *
 * <p>Tensors between steps: ONNX Runtime's Java API (1.24) has no IO binding and no way to allocate
 * device memory, so every call copies its inputs to the GPU and its outputs back; the engine keeps
 * the text embeddings in one reused tensor per render. The copies per step of a 768-pixel batch-1
 * call are under 1 MB.
 */
public final class GpuBench {
  private static final String PROMPT = "a lighthouse on a cliff at dusk, rain, photograph";
  private static final long SEED = 42;
  private static final int WARMUP_STEPS = 2;

  /**
   * What to measure.
   *
   * @param device {@code CUDA} for the real run; {@code CPU} for the dry run
   * @param sd an SD 2.x bundle (the sd21 stand-in)
   * @param x4 an x4 upscaler bundle
   * @param tileBatch x4 tiles per UNet call; {@link X4Options#AUTO} lets the engine choose
   * @param repeats timed UNet calls per batch size
   * @param workDir where ONNX Runtime's profile of one UNet call is written (and deleted once read)
   */
  public record Settings(
      ExecutionProvider.Preference device,
      int cudaDevice,
      Path sd,
      Path x4,
      int size,
      int steps,
      int upscaleSteps,
      int target,
      int tileBatch,
      List<Integer> batches,
      int repeats,
      Path workDir) {}

  private GpuBench() {}

  /**
   * Runs the bench, logging each phase to {@code log}.
   *
   * @throws IllegalStateException when CUDA was asked for but the network did not run on it
   */
  public static BenchReport run(Settings s, PrintStream log) throws IOException {
    try (GpuMemoryProbe probe = new GpuMemoryProbe(s.cudaDevice())) {
      long idleMiB = probe.usedMiB();
      EngineOptions options = EngineOptions.defaults().withDevice(s.device(), s.cudaDevice(), 0);
      RenderSettings render =
          new RenderSettings(PROMPT, "", SEED, s.steps(), 7.5, "ddim", false, s.size(), s.size());
      UpscaleSettings upscale =
          new UpscaleSettings(
              PROMPT,
              "",
              SEED,
              s.upscaleSteps(),
              UpscaleSettings.DEFAULT_GUIDANCE,
              UpscaleSettings.DEFAULT_NOISE_LEVEL);
      TargetSize target = TargetSize.of(s.size(), s.size(), s.target());

      long loadStart = System.nanoTime();
      try (Renderer renderer = Renderer.open(s.sd(), options);
          X4Upscaler upscaler =
              X4Upscaler.open(s.x4(), options, X4Options.defaults().withTileBatch(s.tileBatch()))) {
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        String provider = renderer.provider().description();
        if (s.device() == ExecutionProvider.Preference.CUDA
            && renderer.provider().provider() != ExecutionProvider.CUDA) {
          throw new IllegalStateException("CUDA was asked for but the engine chose: " + provider);
        }
        log.printf("loaded in %.1f s on %s%n", loadSeconds, provider);

        log.println("warm-up job (" + WARMUP_STEPS + " steps, 1 upscale step)...");
        RenderResult warm =
            renderer.render(
                RenderRequest.of(withSteps(render, WARMUP_STEPS)),
                RenderListener.NONE,
                new CancelToken());
        upscaler.upscale(
            warm.image(), target, withSteps(upscale, 1), RenderListener.NONE, new CancelToken());

        log.println("timed job...");
        probe.resetPeak();
        long jobStart = System.nanoTime();
        RenderResult job =
            renderer.render(RenderRequest.of(render), RenderListener.NONE, new CancelToken());
        double renderSeconds = (System.nanoTime() - jobStart) / 1e9;
        long upscaleStart = System.nanoTime();
        Upscaled upscaled =
            upscaler.upscale(job.image(), target, upscale, RenderListener.NONE, new CancelToken());
        double upscaleMs = (System.nanoTime() - upscaleStart) / 1e6;
        double wholeJob = (System.nanoTime() - jobStart) / 1e9;
        Long peakJob = probe.available() ? probe.peakMiB() - idleMiB : null;
        double textMs = stage(job.timings(), "text_encode");
        double denoiseMs = stage(job.timings(), "denoise");
        double decodeMs = stage(job.timings(), "decode");
        renderer.close();
        upscaler.close();

        probe.resetPeak();
        Map<String, Integer> placement = new HashMap<>();
        String[] limit = new String[1];
        List<BenchReport.Batch> batches =
            batches(s, textMs + decodeMs + upscaleMs, placement, limit, log);
        Long peakBatches = probe.available() ? probe.peakMiB() - idleMiB : null;

        String name = probe.gpuName();
        String device =
            s.device() != ExecutionProvider.Preference.CPU && name != null
                ? name
                : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
        return new BenchReport(
            device,
            provider,
            precision(s.sd()),
            s.size(),
            s.steps(),
            s.upscaleSteps(),
            s.target(),
            s.tileBatch(),
            loadSeconds,
            renderSeconds,
            denoiseMs / s.steps(),
            textMs,
            decodeMs,
            upscaleMs,
            upscaled.detail(),
            wholeJob,
            peakJob,
            peakBatches,
            batches,
            limit[0],
            placement);
      }
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /** The UNet alone, one session with profiling for the first call, at each batch size. */
  private static List<BenchReport.Batch> batches(
      Settings s,
      double otherMsPerJob,
      Map<String, Integer> placement,
      String[] limit,
      PrintStream log)
      throws OrtException, IOException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ExecutionProvider.Choice choice = ExecutionProvider.configure(s.device(), s.cudaDevice(), 0);
    Files.createDirectories(s.workDir());
    choice.options().enableProfiling(s.workDir().resolve("unet-profile").toString());
    List<BenchReport.Batch> results = new ArrayList<>();
    try (OrtSession unet =
        env.createSession(s.sd().resolve("unet/model.onnx").toString(), choice.options())) {
      Map<String, NodeInfo> inputs = unet.getInputInfo();
      boolean profiled = false;
      for (int jobs : s.batches()) {
        Map<String, OnnxTensor> feeds = feeds(env, inputs, 2 * jobs, s.size() / 8);
        try {
          if (profiled) {
            // a batch too large for the device's memory ends the series, not the bench
            try {
              unet.run(feeds).close();
            } catch (OrtException e) {
              limit[0] = "batch " + jobs + " failed: " + e.getMessage();
              log.println("UNet " + limit[0]);
              break;
            }
          }
          if (!profiled) {
            unet.run(feeds).close(); // warm-up, profiled
            profiled = true;
            Path profile = Path.of(unet.endProfiling());
            NodePlacement where = NodePlacement.read(profile);
            Files.delete(profile);
            placement.putAll(where.kernelsByProvider());
            checkPlacement(s, where);
          }
          long start = System.nanoTime();
          for (int i = 0; i < s.repeats(); i++) {
            unet.run(feeds).close();
          }
          double callMs = (System.nanoTime() - start) / 1e6 / s.repeats();
          double perImageMs = (s.steps() * callMs + jobs * otherMsPerJob) / jobs;
          results.add(new BenchReport.Batch(jobs, callMs, callMs / jobs, 60_000 / perImageMs));
          log.printf("UNet batch %d (%d rows): %.1f ms per call%n", jobs, 2 * jobs, callMs);
        } finally {
          feeds.values().forEach(OnnxTensor::close);
        }
      }
    } finally {
      choice.options().close();
    }
    return results;
  }

  private static void checkPlacement(Settings s, NodePlacement where) {
    if (s.device() != ExecutionProvider.Preference.CUDA) {
      return;
    }
    if (where.offCpu() == 0 || !where.heavyOnCpu().isEmpty()) {
      throw new IllegalStateException(
          "the UNet did not run on the CUDA provider: kernels per provider "
              + where.kernelsByProvider()
              + ", heavy operators on the CPU "
              + where.heavyOnCpu());
    }
  }

  /** Random latents and text states of {@code rows} rows, the timestep at 500, as declared. */
  private static Map<String, OnnxTensor> feeds(
      OrtEnvironment env, Map<String, NodeInfo> inputs, int rows, int latent) throws OrtException {
    SplittableRandom random = new SplittableRandom(SEED);
    Map<String, OnnxTensor> feeds = new HashMap<>();
    for (NodeInfo node : inputs.values()) {
      TensorInfo info = (TensorInfo) node.getInfo();
      InputSpec spec = new InputSpec(node.getName(), info.type, info.getShape());
      OnnxTensor tensor =
          switch (node.getName()) {
            case "sample" -> {
              long channels = info.getShape()[1];
              yield gaussian(env, random, spec, new long[] {rows, channels, latent, latent});
            }
            case "encoder_hidden_states" ->
                gaussian(env, random, spec, new long[] {rows, 77, info.getShape()[2]});
            case "timestep" -> Tensors.filled(env, 500, spec, rows);
            default ->
                throw new IllegalArgumentException("unexpected UNet input " + node.getName());
          };
      feeds.put(node.getName(), tensor);
    }
    return feeds;
  }

  private static OnnxTensor gaussian(
      OrtEnvironment env, SplittableRandom random, InputSpec spec, long[] shape)
      throws OrtException {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    float[] data = new float[Math.toIntExact(count)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return Tensors.floats(env, data, shape, spec.type());
  }

  private static double stage(StageTimings timings, String name) {
    return timings.entries().stream()
        .filter(e -> e.stage().equals(name))
        .mapToDouble(StageTimings.Entry::millis)
        .sum();
  }

  private static String precision(Path bundle) throws IOException {
    String config = Files.readString(bundle.resolve("text_encoder/config.json"));
    return config.contains("\"float16\"") ? "fp16" : "fp32";
  }

  private static RenderSettings withSteps(RenderSettings r, int steps) {
    return new RenderSettings(
        r.prompt(),
        r.negativePrompt(),
        r.seed(),
        steps,
        r.guidance(),
        r.scheduler(),
        r.karras(),
        r.width(),
        r.height());
  }

  private static UpscaleSettings withSteps(UpscaleSettings u, int steps) {
    return new UpscaleSettings(
        u.prompt(), u.negativePrompt(), u.seed(), steps, u.guidance(), u.noiseLevel());
  }
}
