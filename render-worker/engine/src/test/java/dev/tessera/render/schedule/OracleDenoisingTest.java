package dev.tessera.render.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Driven by a model that predicts exactly, every scheduler must return the clean latents. This
 * catches sign errors and mixed-up parameterisations (σ space versus variance preserving, ε versus
 * v).
 */
class OracleDenoisingTest {

  private static final int SIZE = 64;

  static Stream<Arguments> deterministicSchedulers() {
    List<Arguments> cases = new ArrayList<>();
    for (String prediction : List.of("epsilon", "v_prediction")) {
      for (String name : List.of("euler", "dpmpp-2m")) {
        for (boolean karras : List.of(false, true)) {
          for (int steps : List.of(1, 2, 25)) {
            cases.add(Arguments.of(name, karras, prediction, steps));
          }
        }
      }
      for (int steps : List.of(1, 50)) {
        cases.add(Arguments.of("ddim", false, prediction, steps));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} karras={1} {2} {3} steps")
  @MethodSource("deterministicSchedulers")
  void idealModelLeadsToCleanLatents(String name, boolean karras, String prediction, int steps) {
    SchedulerConfig config = Sd2Configs.of(prediction);
    Scheduler scheduler = Schedulers.create(name, config, steps, karras, null);
    float[] x0 = vector(1);
    float[] noise = vector(2);
    IdealModel model = new IdealModel(x0, config.predictionType(), NoiseSchedule.of(config));

    float[] sample = scheduler.addNoise(x0, noise, 0);
    for (int i = 0; i < steps; i++) {
      float[] out = model.predict(scheduler.scaleModelInput(sample, i), model.signal(scheduler, i));
      sample = scheduler.step(out, i, sample, null);
      if (i + 1 < steps) {
        // an exact model keeps the sample on the forward process of the same noise, level by level
        assertClose(scheduler.addNoise(x0, noise, i + 1), sample, 1e-3);
      }
    }
    float[] result = sample;

    float[] expected = x0;
    if (name.equals("ddim")) {
      // set_alpha_to_one false: DDIM ends at ᾱ₀, not at the clean sample, keeping the initial noise
      double finalAlpha = NoiseSchedule.of(config).alphaCumprod(0);
      expected = new float[SIZE];
      for (int k = 0; k < SIZE; k++) {
        expected[k] =
            (float) (Math.sqrt(finalAlpha) * x0[k] + Math.sqrt(1 - finalAlpha) * noise[k]);
      }
    }
    assertClose(expected, result, 1e-3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allPredictions")
  void ddimWithAlphaSetToOneEndsOnTheCleanSample(String prediction) {
    SchedulerConfig config =
        SchedulerConfig.parse(
            """
                {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "steps_offset": 1,
                 "set_alpha_to_one": true, "clip_sample": false, "prediction_type": "%s"}"""
                .formatted(prediction));
    Scheduler ddim = Schedulers.create("ddim", config, 50, false, null);
    float[] x0 = vector(3);
    IdealModel model = new IdealModel(x0, config.predictionType(), NoiseSchedule.of(config));
    assertClose(x0, model.denoise(ddim, ddim.addNoise(x0, vector(4), 0), null), 1e-3);
  }

  static Stream<String> allPredictions() {
    return Stream.of("epsilon", "v_prediction");
  }

  @ParameterizedTest(name = "karras={0} {1}")
  @MethodSource("ancestralCases")
  void eulerAncestralWithIdealModelEndsOnCleanSample(boolean karras, String prediction) {
    SchedulerConfig config = Sd2Configs.of(prediction);
    Scheduler scheduler = Schedulers.create("euler-a", config, 30, karras, null);
    float[] x0 = vector(5);
    CountingNoise noise = new CountingNoise(6);
    IdealModel model = new IdealModel(x0, config.predictionType(), NoiseSchedule.of(config));
    float[] start = scheduler.addNoise(x0, vector(7), 0);

    float[] result = model.denoise(scheduler, start, noise);

    assertClose(x0, result, 1e-3);
    // σup is 0 only on the last step, where the target level is 0
    assertEquals(29, noise.calls);
  }

  static Stream<Arguments> ancestralCases() {
    return Stream.of(
        Arguments.of(false, "epsilon"),
        Arguments.of(false, "v_prediction"),
        Arguments.of(true, "epsilon"),
        Arguments.of(true, "v_prediction"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schedulerNames")
  void imageToImageFromABeginIndexEndsOnCleanSample(String name) {
    SchedulerConfig config =
        SchedulerConfig.parse(
            """
                {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "steps_offset": 1,
                 "set_alpha_to_one": true, "clip_sample": false, "prediction_type": "v_prediction"}""");
    int steps = 20;
    int start = steps - Math.min((int) Math.floor(steps * 0.6), steps);
    Scheduler scheduler = Schedulers.create(name, config, steps, false, null);
    scheduler.setBeginIndex(start);
    float[] x0 = vector(8);
    IdealModel model = new IdealModel(x0, config.predictionType(), NoiseSchedule.of(config));

    float[] result =
        model.denoise(scheduler, scheduler.addNoise(x0, vector(9), start), new CountingNoise(10));

    assertEquals(8, start);
    assertClose(x0, result, 1e-3);
  }

  static Stream<String> schedulerNames() {
    return Schedulers.names().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schedulerNames")
  void aMismatchedPredictionTypeLeavesTheForwardProcess(String name) {
    // guards the oracle itself: v fed to an epsilon scheduler must break the properties above
    SchedulerConfig epsilon = Sd2Configs.epsilon();
    Scheduler scheduler = Schedulers.create(name, epsilon, 25, false, null);
    float[] x0 = vector(11);
    float[] noise = vector(12);
    IdealModel vModel = new IdealModel(x0, PredictionType.V_PREDICTION, NoiseSchedule.of(epsilon));
    float[] start = scheduler.addNoise(x0, noise, 0);
    float[] out = vModel.predict(scheduler.scaleModelInput(start, 0), vModel.signal(scheduler, 0));
    float[] first = scheduler.step(out, 0, start, new CountingNoise(13));
    if (!name.equals("euler-a")) {
      assertTrue(maxDifference(scheduler.addNoise(x0, noise, 1), first) > 0.1);
    }
    float[] result = vModel.denoise(scheduler, first, new CountingNoise(14), 1);
    assertTrue(maxDifference(x0, result) > 1e-3, "difference " + maxDifference(x0, result));
  }

  static float[] vector(long seed) {
    Random random = new Random(seed);
    float[] values = new float[SIZE];
    for (int k = 0; k < SIZE; k++) {
      values[k] = (float) random.nextGaussian();
    }
    return values;
  }

  static void assertClose(float[] expected, float[] actual, double tolerance) {
    double difference = maxDifference(expected, actual);
    assertTrue(difference <= tolerance, "max difference " + difference + " exceeds " + tolerance);
  }

  static double maxDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int k = 0; k < a.length; k++) {
      max = Math.max(max, Math.abs(a[k] - b[k]));
    }
    return max;
  }

  /** Seeded Gaussian noise that counts how often it is asked for. */
  static final class CountingNoise implements NoiseSource {
    private final Random random;
    int calls;

    CountingNoise(long seed) {
      random = new Random(seed);
    }

    @Override
    public float[] randn(int n) {
      calls++;
      float[] values = new float[n];
      for (int k = 0; k < n; k++) {
        values[k] = (float) random.nextGaussian();
      }
      return values;
    }
  }
}
