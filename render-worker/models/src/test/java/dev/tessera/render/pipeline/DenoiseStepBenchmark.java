package dev.tessera.render.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tessera.common.RenderSettings;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.noise.TorchNoise;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import dev.tessera.render.schedule.Scheduler;
import dev.tessera.render.schedule.SchedulerConfig;
import dev.tessera.render.schedule.Schedulers;
import dev.tessera.render.text.ClipTokenizer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One denoising step of the miniature SD 2.x UNet at 64×64 latents (a 512×512 image) with
 * classifier-free guidance (batch 2), split three ways:
 *
 * <ul>
 *   <li>{@code step}: the whole step as the render loop runs it;
 *   <li>{@code sessionOnly}: just the ONNX Runtime call, on tensors made once;
 *   <li>{@code javaOnly}: everything around that call: scaling the input, duplicating it for
 *       guidance, making and closing the input tensors, copying the output out, guidance and the
 *       scheduler step.
 * </ul>
 *
 * {@link #main} runs all three and prints the Java side as a share of the session time (target: at
 * most 5%). The miniature model is untrained and far smaller than SD 2.x, so the share is an upper
 * bound for real weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DenoiseStepBenchmark {
  private static final int H = 64;
  private static final int W = 64;

  private OrtEnvironment env;
  private ExecutionProvider.Choice provider;
  private OnnxModel model;
  private Unet unet;
  private Unet.Context context;
  private Conditioning guided;
  private SchedulerConfig config;
  private float[] latents;
  private float[] output;
  private Map<String, OnnxTensor> fixedFeeds;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path bundle = MiniatureFixtures.bundle(MiniatureKind.SD2, false);
    env = OrtEnvironment.getEnvironment();
    provider = ExecutionProvider.configure(ExecutionProvider.Preference.AUTO, 0, 0);
    model =
        OnnxModel.load(
            env, bundle.resolve("unet/model.onnx"), "unet/model.onnx", provider.options());
    unet = new Unet(env, model);
    try (OnnxModel encoderModel =
        OnnxModel.load(
            env,
            bundle.resolve("text_encoder/model.onnx"),
            "text_encoder/model.onnx",
            provider.options())) {
      ClipTokenizer tokenizer = ClipTokenizer.load(bundle.resolve("tokenizer"));
      RenderSettings s =
          RenderSettings.of("A person standing on road wearing jacket with Mountain in background");
      context =
          unet.context(
              new TextEncoder(env, encoderModel)
                  .encode(
                      List.of(tokenizer.tokenize("").ids(), tokenizer.tokenize(s.prompt()).ids()),
                      null));
    }
    config = SchedulerConfig.read(bundle.resolve("scheduler/scheduler_config.json"));
    guided = new Conditioning(context, 7.5);
    latents = new TorchNoise(1).randn(4 * H * W);
    float[] pair = new float[2 * latents.length];
    fixedFeeds =
        Map.of(
            "sample",
                Tensors.floats(env, pair, new long[] {2, 4, H, W}, model.input("sample").type()),
            "timestep", Tensors.filled(env, 999, model.input("timestep"), 2),
            "encoder_hidden_states", context.tensor(0));
    try (OrtSession.Result result = model.run(fixedFeeds, null)) {
      output = Tensors.toFloats(result.get(0));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    fixedFeeds.get("sample").close();
    fixedFeeds.get("timestep").close();
    context.close();
    model.close();
    provider.options().close();
  }

  /**
   * A scheduler steps forward only, so each invocation gets a fresh one (made outside the measured
   * time).
   */
  @State(Scope.Thread)
  public static class FreshScheduler {
    Scheduler scheduler;

    @Setup(Level.Invocation)
    public void create(DenoiseStepBenchmark bench) {
      scheduler = Schedulers.create("euler", bench.config, 20, false, null);
    }
  }

  @Benchmark
  public float[] step(FreshScheduler fresh) throws OrtException {
    Scheduler scheduler = fresh.scheduler;
    PlanarImage input = new PlanarImage(scheduler.scaleModelInput(latents, 0), 4, H, W);
    float[] prediction = unet.predict(input, scheduler.timesteps()[0], guided, null);
    return scheduler.step(prediction, 0, latents, null);
  }

  @Benchmark
  public Object sessionOnly() throws OrtException {
    try (OrtSession.Result result = model.run(fixedFeeds, null)) {
      return result.get(0);
    }
  }

  @Benchmark
  public float[] javaOnly(FreshScheduler fresh) throws OrtException {
    Scheduler scheduler = fresh.scheduler;
    float[] input = scheduler.scaleModelInput(latents, 0);
    float[] pair = new float[input.length * 2];
    System.arraycopy(input, 0, pair, 0, input.length);
    System.arraycopy(input, 0, pair, input.length, input.length);
    try (OnnxTensor x =
            Tensors.floats(env, pair, new long[] {2, 4, H, W}, model.input("sample").type());
        OnnxTensor t = Tensors.filled(env, scheduler.timesteps()[0], model.input("timestep"), 2)) {
      // Stands in for copying the session's output out of its native buffer.
      float[] copied = output.clone();
      return scheduler.step(Guidance.combine(copied, 7.5), 0, latents, null);
    }
  }

  /** Runs the three benchmarks and prints the Java side's share of the session time. */
  public static void main(String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(DenoiseStepBenchmark.class.getName())
                    .forks(1)
                    .warmupIterations(3)
                    .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                    .measurementIterations(5)
                    .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                    .build())
            .run();
    double session = score(results, "sessionOnly");
    double java = score(results, "javaOnly");
    double step = score(results, "step");
    System.out.printf(
        "%nOne denoising step, miniature SD 2.x UNet, 64x64 latents, guidance (batch 2):%n");
    System.out.printf("  whole step       %10.1f us%n", step);
    System.out.printf("  ONNX Runtime     %10.1f us%n", session);
    System.out.printf(
        "  Java around it   %10.1f us  = %.2f%% of the session time (target <= 5%%)%n",
        java, 100 * java / session);
  }

  private static double score(Collection<RunResult> results, String method) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .findFirst()
        .orElseThrow()
        .getPrimaryResult()
        .getScore();
  }
}
