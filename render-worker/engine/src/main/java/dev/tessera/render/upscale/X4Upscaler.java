package dev.tessera.render.upscale;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.noise.TorchNoise;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.OnnxSessions;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.Conditioning;
import dev.tessera.render.pipeline.Embeddings;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Guidance;
import dev.tessera.render.pipeline.PlanarImage;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RunControl;
import dev.tessera.render.pipeline.Sampling;
import dev.tessera.render.pipeline.TextEncoder;
import dev.tessera.render.pipeline.TiledPass;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.pipeline.Unet;
import dev.tessera.render.pipeline.VaeDecoder;
import dev.tessera.render.schedule.NoiseSchedule;
import dev.tessera.render.schedule.Scheduler;
import dev.tessera.render.schedule.SchedulerConfig;
import dev.tessera.render.schedule.Schedulers;
import dev.tessera.render.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Upscales ×4 with a Stable Diffusion x4 upscaler bundle, as diffusers' {@code
 * StableDiffusionUpscalePipeline} does, tile by tile: encode the prompt (and the negative prompt
 * under guidance); noise the low-res image (in [-1, 1]) to the noise level with the bundle's
 * low-res DDPM schedule; start from Gaussian latents the low-res image's size (the noise drawn
 * before the latents from one torch-compatible stream, in diffusers' order); run the bundle's DDIM
 * schedule ({@code scheduler/}, v-prediction) with the UNet on overlapping tiles blended by Mixture
 * of Diffusers ({@link TiledDenoiseLoop}); divide by the VAE scaling factor and decode ×4 in
 * cross-faded tiles ({@link VaeDecoder}); clamp to [0, 1] as the render engine does; then resample
 * with Lanczos if the target is not exactly ×4.
 *
 * <p>Lifetime: {@link #open} loads the tokenizer and the text-encoder, UNet and VAE-decoder
 * sessions once; every {@link #upscale} reuses them. {@link #close()} releases every session and is
 * safe to call twice. Jobs run one at a time (calls are serialised); cancel one from another thread
 * through its {@link CancelToken}, which also terminates a model run under way.
 */
public final class X4Upscaler implements Upscaler {
  private final X4Bundle bundle;
  private final X4Options options;
  private final OnnxSessions sessions;
  private final ClipTokenizer tokenizer;
  private final SchedulerConfig schedulerConfig;
  private final NoiseSchedule lowResSchedule;
  private final TextEncoder textEncoder;
  private final Unet unet;
  private final VaeDecoder decoder;
  private boolean closed;

  private X4Upscaler(X4Bundle bundle, EngineOptions engine, X4Options options)
      throws IOException, OrtException {
    this.bundle = bundle;
    this.options = options;
    this.tokenizer = ClipTokenizer.load(bundle.files().resolve("tokenizer"));
    this.schedulerConfig =
        SchedulerConfig.read(bundle.files().resolve("scheduler/scheduler_config.json"));
    this.lowResSchedule =
        NoiseSchedule.of(SchedulerConfig.read(bundle.files().resolve(X4Bundle.LOW_RES_SCHEDULER)));
    this.sessions =
        new OnnxSessions(
            bundle.files().name(), engine.device(), engine.cudaDevice(), engine.threads());
    try {
      OrtEnvironment env = sessions.env();
      this.textEncoder = new TextEncoder(env, load("text_encoder/model.onnx"));
      this.unet = x4Unet(new Unet(env, load("unet/model.onnx")));
      this.decoder =
          new VaeDecoder(
              env,
              load(bundle.files().vaeDecoder()),
              bundle.scalingFactor(),
              X4Bundle.DECODER_SCALE,
              options.decodeTiles());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Checks that {@code unet} has the x4 upscaler's contract: a 7-channel sample and a {@code
   * class_labels} noise level.
   *
   * @throws IllegalArgumentException naming the model and what it declares instead
   */
  private static Unet x4Unet(Unet unet) {
    var sample = unet.sampleSpec();
    if (sample.rank() != 4
        || (!sample.isDynamic(1) && sample.shape()[1] != TiledDenoiseLoop.CHANNELS)
        || !unet.takesClassLabels()) {
      throw new IllegalArgumentException(
          unet.label()
              + ": an x4 upscaler UNet takes a sample of [batch, "
              + TiledDenoiseLoop.CHANNELS
              + ", h, w] (4 latent + 3 low-res RGB channels) and class_labels; this one "
              + "declares "
              + sample
              + (unet.takesClassLabels() ? "" : " and no class_labels"));
    }
    return unet;
  }

  /**
   * Loads the x4 upscaler bundle at {@code dir}.
   *
   * @throws IOException naming the missing or malformed file when the bundle is incomplete
   * @throws IllegalArgumentException when its UNet does not have the x4 upscaler's inputs
   */
  public static X4Upscaler open(Path dir, EngineOptions engine, X4Options options)
      throws IOException {
    try {
      return new X4Upscaler(X4Bundle.open(dir), engine, options);
    } catch (OrtException e) {
      throw new IOException(dir + ": " + e.getMessage(), e);
    }
  }

  private OnnxModel load(String file) throws IOException {
    return sessions.load(bundle.files().resolve(file), file);
  }

  @Override
  public UpscaleMode mode() {
    return UpscaleMode.X4;
  }

  /** The highest noise level the bundle allows ({@code max_noise_level}). */
  public int maxNoiseLevel() {
    return bundle.maxNoiseLevel();
  }

  @Override
  public boolean isMiniature() {
    return bundle.files().isMiniature();
  }

  @Override
  public void check(UpscaleSettings settings) {
    settings.check(Math.min(bundle.maxNoiseLevel(), lowResSchedule.size() - 1));
  }

  @Override
  public synchronized Upscaled upscale(
      RgbImage image,
      TargetSize target,
      UpscaleSettings settings,
      RenderListener listener,
      CancelToken cancel)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("x4 upscaler is closed");
    }
    check(settings);
    return cancel.runCancellable(
        run -> upscale(image, target, settings, new RunControl(listener, cancel, run)));
  }

  private Upscaled upscale(RgbImage image, TargetSize target, UpscaleSettings s, RunControl control)
      throws OrtException {
    int h = image.height();
    int w = image.width();
    boolean guided = Guidance.enabled(s.guidance());
    List<int[]> rows =
        guided
            ? List.of(
                tokenizer.tokenize(s.negativePrompt()).ids(), tokenizer.tokenize(s.prompt()).ids())
            : List.of(tokenizer.tokenize(s.prompt()).ids());
    control.cancel().check();
    Embeddings text = textEncoder.encode(rows, control.run());

    TorchNoise noise = new TorchNoise(s.seed());
    float[] noisedLowRes = addLowResNoise(image.toPlanar(), noise.randn(3 * h * w), s.noiseLevel());
    LowRes lowRes = new LowRes(new PlanarImage(noisedLowRes, 3, h, w), s.noiseLevel());
    Scheduler scheduler = Schedulers.create("ddim", schedulerConfig, s.steps(), false, null);
    float[] latents = noise.randn(Unet.LATENT_CHANNELS * h * w);
    float sigma = (float) scheduler.initNoiseSigma();
    for (int i = 0; i < latents.length; i++) {
      latents[i] *= sigma;
    }
    Sampling sampling = new Sampling(scheduler, noise::randn);
    int tiles = options.unetTiles().count(w, h);
    int tileBatch = tileBatch(guided, tiles, Math.min(options.unetTiles().size(), Math.max(h, w)));
    PlanarImage denoised;
    try (Unet.Context context = unet.context(text)) {
      TiledDenoiseLoop loop =
          new TiledDenoiseLoop(unet, options.unetTiles(), options.blend(), tileBatch);
      denoised =
          loop.run(
              sampling,
              new PlanarImage(latents, Unet.LATENT_CHANNELS, h, w),
              lowRes,
              new Conditioning(context, s.guidance()),
              control);
    }
    TiledPass.Output decoded = decoder.decode(denoised, control.cancel(), control.run());
    PlanarImage pixels = decoded.image();
    RgbImage upscaled = RgbImage.fromPlanar(pixels.values(), pixels.width(), pixels.height());

    String detail =
        "x4, "
            + Tiling.describe(tiles)
            + ", "
            + s.steps()
            + " steps, "
            + (tileBatch > 1 ? tileBatch + " tiles a call, " : "")
            + "decoded in "
            + Tiling.describe(decoded.tiles())
            + LanczosUpscaler.fitNote(upscaled, target);
    String parameters =
        "Upscaler: x4 "
            + bundle.files().name()
            + (isMiniature() ? " (untrained miniature)" : "")
            + ", Upscale steps: "
            + s.steps()
            + ", Upscale CFG scale: "
            + s.guidance()
            + ", Noise level: "
            + s.noiseLevel()
            + ", Upscaled size: "
            + target;
    return new Upscaled(LanczosUpscaler.fit(upscaled, target), tiles, detail, parameters);
  }

  /**
   * UNet tiles per call: as asked, or chosen from the memory budget ({@link TileBatch#auto}); 1
   * where the export's batch is fixed, and never more than there are tiles.
   */
  private int tileBatch(boolean guided, int tiles, int tileSide) {
    if (!unet.takesAnyBatch()) {
      return 1;
    }
    int asked =
        options.tileBatch() == X4Options.AUTO
            ? TileBatch.auto(TileBatch.DEFAULT_BUDGET, tileSide, guided ? 2 : 1, tiles)
            : options.tileBatch();
    return Math.min(asked, tiles);
  }

  /**
   * diffusers' {@code low_res_scheduler.add_noise} at integer timestep {@code level}, in float32 as
   * torch.
   */
  private float[] addLowResNoise(float[] clean, float[] noise, int level) {
    float alpha = (float) lowResSchedule.alphaCumprod(level);
    float signal = (float) Math.sqrt(alpha);
    float spread = (float) Math.sqrt(1f - alpha);
    float[] noised = new float[clean.length];
    for (int i = 0; i < clean.length; i++) {
      noised[i] = signal * clean[i] + spread * noise[i];
    }
    return noised;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sessions != null) {
      sessions.close();
    }
  }
}
