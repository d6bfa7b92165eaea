package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.common.FieldProblem;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.lora.LoraException;
import dev.tessera.render.lora.LoraLibrary;
import dev.tessera.render.noise.TorchNoise;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.OnnxSessions;
import dev.tessera.render.schedule.Scheduler;
import dev.tessera.render.schedule.SchedulerConfig;
import dev.tessera.render.schedule.Schedulers;
import dev.tessera.render.schedule.Spacing;
import dev.tessera.render.text.ClipTokenizer;
import dev.tessera.render.text.PromptTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders prompts with one Stable Diffusion ONNX bundle: tokenize, encode text, denoise, decode.
 *
 * <p>Lifetime: {@link #open} loads the tokenizer and the text-encoder, UNet and VAE-decoder
 * sessions once; every {@link #render} reuses them; the VAE encoder is loaded on the first img2img
 * render. {@link #close()} releases every session and is safe to call twice. Renders on one
 * renderer run one at a time (calls are serialised); cancel one from another thread through its
 * {@link CancelToken}.
 */
public final class Renderer implements AutoCloseable {
  private final ModelBundle bundle;
  private final OnnxSessions sessions;
  private final ClipTokenizer tokenizer;
  private final SchedulerConfig schedulerConfig;
  private final double scalingFactor;
  private final PromptEncoder prompts;
  private final AdaptedNetworks.Base base;
  private AdapterCache adapters;
  private final Unet unet;
  private final VaeDecoder vaeDecoder;
  private VaeEncoder vaeEncoder;
  private boolean closed;

  private Renderer(ModelBundle bundle, EngineOptions options) throws IOException, OrtException {
    this.bundle = bundle;
    this.tokenizer = ClipTokenizer.load(bundle.resolve("tokenizer"));
    this.schedulerConfig = SchedulerConfig.read(bundle.resolve("scheduler/scheduler_config.json"));
    this.scalingFactor = bundle.scalingFactor();
    this.sessions =
        new OnnxSessions(bundle.name(), options.device(), options.cudaDevice(), options.threads());
    try {
      OrtEnvironment env = sessions.env();
      TextEncoder textEncoder = new TextEncoder(env, load("text_encoder/model.onnx"));
      this.unet = new Unet(env, load("unet/model.onnx"));
      this.prompts = new PromptEncoder(tokenizer, textEncoder, unet.contextTokens());
      this.base = new AdaptedNetworks.Base(bundle, env, options, tokenizer, textEncoder, unet);
      this.adapters = new AdapterCache(LoraLibrary.NONE, AdapterCache.DEFAULT_SIZE);
      this.vaeDecoder =
          new VaeDecoder(
              env,
              load(bundle.vaeDecoder()),
              scalingFactor,
              VaeDecoder.SD_SCALE,
              options.decodeTiles());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Loads the bundle at {@code dir}.
   *
   * @throws IOException naming the missing or malformed file when the bundle is incomplete
   */
  public static Renderer open(Path dir, EngineOptions options) throws IOException {
    try {
      return new Renderer(ModelBundle.open(dir), options);
    } catch (OrtException e) {
      throw new IOException(dir + ": " + e.getMessage(), e);
    }
  }

  private OnnxModel load(String file) throws IOException {
    return sessions.load(bundle.resolve(file), file);
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  public SchedulerConfig schedulerConfig() {
    return schedulerConfig;
  }

  /**
   * Where adapters come from, and how many adapter sets keep their sessions between renders; closes
   * the sets cached so far.
   */
  public synchronized void useAdapters(LoraLibrary library, int cacheSize) {
    adapters.close();
    adapters = new AdapterCache(library, cacheSize);
  }

  /** Where the sessions run (CPU or CUDA) and why, for logs. */
  public ExecutionProvider.Choice provider() {
    return sessions.provider();
  }

  /**
   * Renders one image.
   *
   * @throws UnsupportedRequestException naming the bad settings, or what this model cannot do
   * @throws RenderCancelledException when {@code cancel} was cancelled before the render finished
   */
  public synchronized RenderResult render(
      RenderRequest request, RenderListener listener, CancelToken cancel) throws IOException {
    if (closed) {
      throw new IllegalStateException("renderer is closed");
    }
    RenderSettings settings = request.settings().withDefaults();
    List<FieldProblem> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new UnsupportedRequestException(
          problems.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
    }
    RenderRequest checked =
        new RenderRequest(settings, request.init(), request.strength(), request.spacing());
    return cancel.runCancellable(run -> render(checked, new RunControl(listener, cancel, run)));
  }

  private RenderResult render(RenderRequest request, RunControl control)
      throws OrtException, IOException {
    RenderSettings s = request.settings();
    CancelToken cancel = control.cancel();
    RunOptions run = control.run();
    StageTimings timings = new StageTimings();
    boolean guided = Guidance.enabled(s.guidance());

    long t0 = System.nanoTime();
    PromptEncoder prompts = this.prompts;
    Unet unet = this.unet;
    if (!s.loras().isEmpty()) {
      AdapterCache.Lookup lookup;
      try {
        lookup = adapters.get(s.loras(), base);
      } catch (LoraException e) {
        throw new UnsupportedRequestException(e.getMessage());
      }
      prompts = lookup.networks().prompts();
      unet = lookup.networks().unet();
      timings.add(
          "lora",
          System.nanoTime() - t0,
          lookup.cached() ? "cached sessions" : "sessions built for this adapter set");
      t0 = System.nanoTime();
    }
    PromptTokens positive = prompts.tokens(s.prompt());
    List<PromptTokens> rows =
        guided ? List.of(prompts.tokens(s.negativePrompt()), positive) : List.of(positive);
    timings.add("tokenize", System.nanoTime() - t0);

    cancel.check();
    t0 = System.nanoTime();
    Embeddings text = prompts.encode(rows, run);
    timings.add("text_encode", System.nanoTime() - t0);

    Scheduler scheduler =
        Schedulers.create(s.scheduler(), schedulerConfig, s.steps(), s.karras(), request.spacing());
    int h = s.height() / VaeDecoder.SD_SCALE;
    int w = s.width() / VaeDecoder.SD_SCALE;
    int size = Unet.LATENT_CHANNELS * h * w;
    TorchNoise noise = new TorchNoise(s.seed());
    float[] latents;
    if (request.init() == null) {
      latents = noise.randn(size);
      float sigma = (float) scheduler.initNoiseSigma();
      for (int i = 0; i < latents.length; i++) {
        latents[i] *= sigma;
      }
    } else {
      cancel.check();
      t0 = System.nanoTime();
      RgbImage init = request.init();
      if (init.width() != s.width() || init.height() != s.height()) {
        init = RgbImage.of(init.toBufferedImage(), s.width(), s.height());
      }
      float[] clean = vaeEncoder().encode(init.toPlanar(), s.width(), s.height(), run);
      timings.add("image_encode", System.nanoTime() - t0);
      int start = firstImg2ImgStep(s.steps(), request.strength());
      scheduler.setBeginIndex(start);
      latents = scheduler.addNoise(clean, noise.randn(size), start);
    }

    t0 = System.nanoTime();
    int steps = scheduler.timesteps().length - scheduler.beginIndex();
    PlanarImage denoised;
    try (Unet.Context context = unet.context(text)) {
      denoised =
          new DenoiseLoop(unet)
              .run(
                  new Sampling(scheduler, noise::randn),
                  new PlanarImage(latents, Unet.LATENT_CHANNELS, h, w),
                  new Conditioning(context, s.guidance()),
                  control);
    }
    long denoise = System.nanoTime() - t0;
    timings.add(
        "denoise",
        denoise,
        String.format("%d steps, %.1f ms/step", steps, denoise / 1e6 / Math.max(1, steps)));

    t0 = System.nanoTime();
    TiledPass.Output decoded = vaeDecoder.decode(denoised, cancel, run);
    PlanarImage pixels = decoded.image();
    RgbImage image = RgbImage.fromPlanar(pixels.values(), pixels.width(), pixels.height());
    timings.add("decode", System.nanoTime() - t0, Tiling.describe(decoded.tiles()));

    Spacing spacing = Schedulers.spacing(s.scheduler(), schedulerConfig, request.spacing());
    String parameters =
        GenerationParameters.format(
            request, bundle.name(), bundle.isMiniature(), spacing.configName());
    return new RenderResult(image, timings, positive.droppedWords(), parameters);
  }

  /**
   * Renders several text-to-image requests that share a {@link BatchKey} with one UNet call per
   * step for all of them (cross-job batching). Each keeps its own seed, prompts and guidance scale
   * and gets the image it would get alone, within float tolerance (the UNet's kernels may sum in
   * another order at another batch size); each is tokenized, encoded and decoded on its own.
   * Prompts that encode to different token counts (long prompts) are denoised in separate batches.
   * Where the UNet export takes no batch of any size, the renders run one after another.
   *
   * <p>An item whose own token is cancelled leaves the batch before the next step (its outcome is a
   * {@link RenderCancelledException}); the others go on. An item with bad settings fails alone
   * ({@link UnsupportedRequestException}).
   *
   * @param cancel stops every render of the batch (a worker shutting down)
   * @return one outcome per item, in their order
   * @throws IllegalArgumentException when the items do not share one {@link BatchKey}, or one is an
   *     image-to-image request
   * @throws RenderCancelledException when {@code cancel} was cancelled
   * @throws IOException when ONNX Runtime fails; the whole batch has failed then
   */
  public synchronized List<BatchOutcome> renderBatch(List<BatchItem> items, CancelToken cancel)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("renderer is closed");
    }
    BatchOutcome[] outcomes = new BatchOutcome[items.size()];
    List<Integer> valid = new ArrayList<>();
    BatchKey key = null;
    for (int i = 0; i < items.size(); i++) {
      RenderRequest request = items.get(i).request();
      BatchKey k = BatchKey.of(request);
      if (k == null) {
        throw new IllegalArgumentException("item " + i + ": image-to-image renders only alone");
      }
      List<FieldProblem> problems = request.settings().withDefaults().problems();
      if (!problems.isEmpty()) {
        // Failed alone, whatever its key: a bad size must not stop the others.
        outcomes[i] =
            BatchOutcome.failed(
                new UnsupportedRequestException(
                    problems.stream()
                        .map(FieldProblem::toString)
                        .collect(Collectors.joining("; "))));
        continue;
      }
      if (key != null && !key.equals(k)) {
        throw new IllegalArgumentException(
            "item "
                + i
                + " cannot share a batch: size, steps, scheduler, spacing, adapters and guidance"
                + " on/off must match; "
                + k
                + " differs from "
                + key);
      }
      key = k;
      valid.add(i);
    }
    if (valid.size() == 1 || !unet.takesAnyBatch()) {
      for (int i : valid) {
        cancel.check();
        BatchItem item = items.get(i);
        try {
          outcomes[i] = BatchOutcome.of(render(item.request(), item.listener(), item.cancel()));
        } catch (RenderCancelledException | UnsupportedRequestException e) {
          outcomes[i] = BatchOutcome.failed(e);
        }
      }
    } else if (!valid.isEmpty()) {
      List<BatchItem> batch = valid.stream().map(items::get).toList();
      List<BatchOutcome> together =
          cancel.runCancellable(run -> renderTogether(batch, cancel, run));
      for (int k = 0; k < valid.size(); k++) {
        outcomes[valid.get(k)] = together.get(k);
      }
    }
    return List.of(outcomes);
  }

  private List<BatchOutcome> renderTogether(
      List<BatchItem> items, CancelToken cancel, RunOptions run) throws OrtException, IOException {
    RenderSettings first = items.get(0).request().settings().withDefaults();
    BatchOutcome[] outcomes = new BatchOutcome[items.size()];
    StageTimings[] timings = new StageTimings[items.size()];
    PromptTokens[] positives = new PromptTokens[items.size()];
    PromptEncoder prompts = this.prompts;
    Unet unet = this.unet;
    long t0 = System.nanoTime();
    String loraDetail = null;
    if (!first.loras().isEmpty()) {
      AdapterCache.Lookup lookup;
      try {
        lookup = adapters.get(first.loras(), base);
      } catch (LoraException e) {
        UnsupportedRequestException failure = new UnsupportedRequestException(e.getMessage());
        return items.stream().map(item -> BatchOutcome.failed(failure)).toList();
      }
      prompts = lookup.networks().prompts();
      unet = lookup.networks().unet();
      loraDetail = lookup.cached() ? "cached sessions" : "sessions built for this adapter set";
    }
    long loraNanos = System.nanoTime() - t0;

    // Each render's own text, encoded as it would be alone; renders group by token count.
    Map<Integer, List<BatchDenoiseLoop.Lane>> byTokens = new LinkedHashMap<>();
    Map<BatchDenoiseLoop.Lane, Integer> index = new IdentityHashMap<>();
    int h = first.height() / VaeDecoder.SD_SCALE;
    int w = first.width() / VaeDecoder.SD_SCALE;
    for (int i = 0; i < items.size(); i++) {
      cancel.check();
      BatchItem item = items.get(i);
      RenderSettings s = item.request().settings().withDefaults();
      timings[i] = new StageTimings();
      if (loraDetail != null) {
        timings[i].add("lora", loraNanos, loraDetail);
      }
      t0 = System.nanoTime();
      boolean guided = Guidance.enabled(s.guidance());
      positives[i] = prompts.tokens(s.prompt());
      List<PromptTokens> rows =
          guided
              ? List.of(prompts.tokens(s.negativePrompt()), positives[i])
              : List.of(positives[i]);
      timings[i].add("tokenize", System.nanoTime() - t0);
      t0 = System.nanoTime();
      Embeddings text = prompts.encode(rows, run);
      timings[i].add("text_encode", System.nanoTime() - t0);

      Scheduler scheduler =
          Schedulers.create(
              s.scheduler(), schedulerConfig, s.steps(), s.karras(), item.request().spacing());
      TorchNoise noise = new TorchNoise(s.seed());
      float[] latents = noise.randn(Unet.LATENT_CHANNELS * h * w);
      float sigma = (float) scheduler.initNoiseSigma();
      for (int j = 0; j < latents.length; j++) {
        latents[j] *= sigma;
      }
      BatchDenoiseLoop.Lane lane =
          new BatchDenoiseLoop.Lane(
              item, new Sampling(scheduler, noise::randn), text, s.guidance(), latents);
      index.put(lane, i);
      byTokens.computeIfAbsent(text.tokens(), t -> new ArrayList<>()).add(lane);
    }

    PlanarImage shape =
        new PlanarImage(new float[Unet.LATENT_CHANNELS * h * w], Unet.LATENT_CHANNELS, h, w);
    Spacing spacing =
        Schedulers.spacing(first.scheduler(), schedulerConfig, items.get(0).request().spacing());
    for (List<BatchDenoiseLoop.Lane> lanes : byTokens.values()) {
      t0 = System.nanoTime();
      List<BatchDenoiseLoop.Lane> done = new BatchDenoiseLoop(unet).run(lanes, shape, cancel, run);
      long denoise = System.nanoTime() - t0;
      int steps = first.steps();
      String detail =
          String.format(
              "%d steps, %.1f ms/step, batch of %d",
              steps, denoise / 1e6 / Math.max(1, steps), lanes.size());
      for (BatchDenoiseLoop.Lane lane : lanes) {
        int i = index.get(lane);
        if (!done.contains(lane)) {
          outcomes[i] = BatchOutcome.failed(new RenderCancelledException());
          continue;
        }
        timings[i].add("denoise", denoise, detail);
        try {
          t0 = System.nanoTime();
          TiledPass.Output decoded =
              vaeDecoder.decode(shape.withValues(lane.latents), lane.item.cancel(), run);
          PlanarImage pixels = decoded.image();
          RgbImage image = RgbImage.fromPlanar(pixels.values(), pixels.width(), pixels.height());
          timings[i].add("decode", System.nanoTime() - t0, Tiling.describe(decoded.tiles()));
          RenderRequest asked = lane.item.request();
          RenderRequest request =
              new RenderRequest(
                  asked.settings().withDefaults(), null, asked.strength(), asked.spacing());
          String parameters =
              GenerationParameters.format(
                  request, bundle.name(), bundle.isMiniature(), spacing.configName());
          outcomes[i] =
              BatchOutcome.of(
                  new RenderResult(image, timings[i], positives[i].droppedWords(), parameters));
        } catch (RenderCancelledException e) {
          outcomes[i] = BatchOutcome.failed(e);
        }
      }
    }
    return List.of(outcomes);
  }

  /**
   * The step img2img starts from, as diffusers computes it: strength k of n steps runs the last
   * floor(n·k) of them.
   *
   * @throws UnsupportedRequestException when that leaves no step to run
   */
  static int firstImg2ImgStep(int steps, double strength) {
    int run = Math.min((int) Math.floor(steps * strength), steps);
    if (run < 1) {
      throw new UnsupportedRequestException(
          "strength: "
              + strength
              + " of "
              + steps
              + " steps runs no step; raise strength or steps");
    }
    return steps - run;
  }

  private VaeEncoder vaeEncoder() throws IOException {
    if (vaeEncoder == null) {
      if (!bundle.hasVaeEncoder()) {
        throw new UnsupportedRequestException(
            "model bundle "
                + bundle.dir()
                + ": missing vae_encoder/model.onnx, which img2img needs");
      }
      vaeEncoder = new VaeEncoder(sessions.env(), load("vae_encoder/model.onnx"), scalingFactor);
    }
    return vaeEncoder;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (adapters != null) {
      adapters.close();
    }
    if (sessions != null) {
      sessions.close();
    }
  }
}
