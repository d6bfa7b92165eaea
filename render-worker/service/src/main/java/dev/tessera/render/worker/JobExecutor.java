package dev.tessera.render.worker;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.render.image.PngWriter;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.BatchItem;
import dev.tessera.render.pipeline.BatchKey;
import dev.tessera.render.pipeline.BatchOutcome;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.RenderResult;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.pipeline.UnsupportedRequestException;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.render.upscale.UpscaleSettings;
import dev.tessera.render.upscale.Upscaled;
import dev.tessera.render.upscale.Upscaler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a job into a delivered PNG with the engine: render with the job's model, upscale to the
 * target size, encode.
 *
 * <p>Lifetime: owns the renderers and upscalers it is given (loaded once, reused for every job) and
 * closes them in {@link #close()}, which is safe twice. Jobs run one at a time.
 */
public final class JobExecutor implements AutoCloseable {
  /** The PNG and the time each stage took (render stages, upscale, png). */
  public record Output(byte[] png, StageTimings timings) {}

  private final Map<String, Renderer> renderers;
  private final Map<UpscaleMode, Upscaler> upscalers;
  private volatile boolean closed;

  /**
   * @param renderers by model name, as jobs name them
   * @param upscalers the upscale modes this worker offers
   */
  public JobExecutor(Map<String, Renderer> renderers, Map<UpscaleMode, Upscaler> upscalers) {
    this.renderers = Map.copyOf(renderers);
    this.upscalers = Map.copyOf(upscalers);
  }

  /** The renderer of {@code model}; the executor keeps owning it. */
  public Renderer renderer(String model) {
    return renderers.get(model);
  }

  /** The upscalers this worker offers; the executor keeps owning them. */
  public java.util.Collection<Upscaler> upscalers() {
    return upscalers.values();
  }

  /** The models this worker renders. */
  public Set<String> models() {
    return new TreeSet<>(renderers.keySet());
  }

  /**
   * Renders {@code job}. Progress counts the render's denoising steps, then the x4 upscaler's.
   *
   * @throws JobRejectedException when the job can never succeed here: a model or upscale mode this
   *     worker does not have, or a request the engine reports unsupported ({@link
   *     UnsupportedRequestException})
   * @throws dev.tessera.render.pipeline.RenderCancelledException when {@code cancel} was cancelled
   * @throws IOException when ONNX Runtime or encoding fails (another try may succeed)
   */
  public Output execute(RenderJob job, RenderListener listener, CancelToken cancel)
      throws JobRejectedException, IOException {
    if (closed) {
      throw new IllegalStateException("job executor is closed");
    }
    try {
      return run(job, listener, cancel);
    } catch (UnsupportedRequestException e) {
      throw new JobRejectedException(e.getMessage());
    }
  }

  private Output run(RenderJob job, RenderListener listener, CancelToken cancel)
      throws JobRejectedException, IOException {
    Plan plan = plan(job);
    RenderResult result =
        plan.renderer.render(plan.request(), plan.renderProgress(listener), cancel);
    return finish(plan, result, listener, cancel);
  }

  /**
   * A job checked against what this worker offers, ready to render: its renderer, settings and
   * upscaler. Jobs whose plans share a {@link #batchKey} may render in one batch ({@link
   * #renderBatch}).
   */
  public static final class Plan {
    private final RenderJob job;
    private final Renderer renderer;
    private final RenderSettings settings;
    private final Upscaler upscaler;
    private final UpscaleSettings upscale;
    private final TargetSize target;
    private final int total;

    private Plan(
        RenderJob job,
        Renderer renderer,
        RenderSettings settings,
        Upscaler upscaler,
        UpscaleSettings upscale,
        TargetSize target) {
      this.job = job;
      this.renderer = renderer;
      this.settings = settings;
      this.upscaler = upscaler;
      this.upscale = upscale;
      this.target = target;
      this.total =
          settings.steps()
              + (upscaler != null && upscaler.mode() == UpscaleMode.X4 ? upscale.steps() : 0);
    }

    public RenderJob job() {
      return job;
    }

    /** What jobs must share to render in one batch: the model and the engine's {@link BatchKey}. */
    public Object batchKey() {
      return List.of(job.model(), BatchKey.of(request()));
    }

    RenderRequest request() {
      return RenderRequest.of(settings);
    }

    /** The render's steps, counted as the first of the job's steps (then the x4 upscaler's). */
    RenderListener renderProgress(RenderListener listener) {
      return (step, steps) -> listener.onStep(step, total);
    }
  }

  /**
   * Checks {@code job} against what this worker offers.
   *
   * @throws JobRejectedException when the job can never succeed here (see {@link #execute})
   */
  public Plan plan(RenderJob job) throws JobRejectedException {
    if (closed) {
      throw new IllegalStateException("job executor is closed");
    }
    Renderer renderer = renderers.get(job.model());
    if (renderer == null) {
      throw new JobRejectedException(
          "unknown model '" + job.model() + "'; this worker renders " + models());
    }
    RenderSettings settings = job.settings().withDefaults();
    List<FieldProblem> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new JobRejectedException(
          problems.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
    }
    Upscaler upscaler = null;
    UpscaleSettings upscale =
        UpscaleSettings.of(settings.prompt(), settings.negativePrompt(), settings.seed());
    TargetSize target = null;
    if (!"none".equals(job.upscale())) {
      UpscaleMode mode;
      try {
        mode = UpscaleMode.parse(job.upscale());
        target = TargetSize.of(settings.width(), settings.height(), job.targetSize());
      } catch (UnsupportedRequestException e) {
        throw new JobRejectedException("upscale: " + e.getMessage());
      }
      upscaler = upscalers.get(mode);
      if (upscaler == null) {
        throw new JobRejectedException(
            "upscale mode '"
                + mode.cliName()
                + "' is not offered by this worker; it offers "
                + upscalers.keySet().stream().map(UpscaleMode::cliName).sorted().toList());
      }
      try {
        upscaler.check(upscale);
      } catch (UnsupportedRequestException e) {
        throw new JobRejectedException("upscale: " + e.getMessage());
      }
    }
    return new Plan(job, renderer, settings, upscaler, upscale, target);
  }

  /**
   * Renders the jobs of {@code plans}, which share a {@link Plan#batchKey}, in one batch: one UNet
   * call per step for all of them ({@link Renderer#renderBatch}). Each job's own token drops it
   * from the batch; {@code batch} stops them all.
   *
   * @return one outcome per plan, in their order
   * @throws dev.tessera.render.pipeline.RenderCancelledException when {@code batch} was cancelled
   * @throws IOException when ONNX Runtime fails (the whole batch failed; another try may succeed)
   */
  public List<BatchOutcome> renderBatch(
      List<Plan> plans,
      List<RenderListener> listeners,
      List<CancelToken> cancels,
      CancelToken batch)
      throws IOException {
    List<BatchItem> items = new ArrayList<>(plans.size());
    for (int i = 0; i < plans.size(); i++) {
      Plan plan = plans.get(i);
      items.add(
          new BatchItem(plan.request(), plan.renderProgress(listeners.get(i)), cancels.get(i)));
    }
    return plans.get(0).renderer.renderBatch(items, batch);
  }

  /**
   * Upscales and encodes the rendered image of {@code plan}; progress goes on from the render's
   * steps to the x4 upscaler's.
   *
   * @throws dev.tessera.render.pipeline.RenderCancelledException when {@code cancel} was cancelled
   * @throws IOException when ONNX Runtime or encoding fails
   */
  public Output finish(Plan plan, RenderResult result, RenderListener listener, CancelToken cancel)
      throws JobRejectedException, IOException {
    try {
      return upscaleAndEncode(plan, result, listener, cancel);
    } catch (UnsupportedRequestException e) {
      throw new JobRejectedException(e.getMessage());
    }
  }

  private Output upscaleAndEncode(
      Plan plan, RenderResult result, RenderListener listener, CancelToken cancel)
      throws IOException {
    StageTimings timings = result.timings();
    RgbImage image = result.image();
    String parameters = result.parameters();
    int renderSteps = plan.settings.steps();
    if (plan.upscaler != null) {
      long t0 = System.nanoTime();
      Upscaled up =
          plan.upscaler.upscale(
              image,
              plan.target,
              plan.upscale,
              (step, steps) -> listener.onStep(renderSteps + step, plan.total),
              cancel);
      timings.add("upscale", System.nanoTime() - t0, up.detail());
      image = up.image();
      parameters = parameters + ", " + up.parameters();
    }
    long t0 = System.nanoTime();
    ByteArrayOutputStream png = new ByteArrayOutputStream(image.rgb().length / 2);
    PngWriter.write(image, Map.of("parameters", parameters), png);
    timings.add("png", System.nanoTime() - t0);
    return new Output(png.toByteArray(), timings);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    renderers.values().forEach(Renderer::close);
    upscalers.values().forEach(Upscaler::close);
  }
}
