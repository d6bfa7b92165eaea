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
import java.util.List;
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
