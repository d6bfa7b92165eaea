package dev.tessera.render.schedule;

import static dev.tessera.render.schedule.TimestepScheduleTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KarrasScheduleTest {

  private static final SchedulerConfig SD2 = Sd2Configs.vPrediction();
  private static final NoiseSchedule SCHEDULE = NoiseSchedule.of(SD2);
  private static final double SIGMA_MAX = SCHEDULE.sigma(999);
  private static final double SIGMA_MIN = SCHEDULE.sigma(0);

  @ParameterizedTest
  @ValueSource(strings = {"euler", "euler-a", "dpmpp-2m"})
  void sigmasFollowKarrasRhoSevenFromSigmaMax(String name) {
    double[] sigmas = Schedulers.create(name, SD2, 20, true, null).sigmas();
    assertEquals(21, sigmas.length);
    assertRelative(SIGMA_MAX, sigmas[0], 1e-12);
    assertRelative(SIGMA_MIN, sigmas[19], 1e-9);
    assertEquals(0.0, sigmas[20]);
    // evenly spaced in σ^(1/7)
    double step = Math.pow(sigmas[1], 1 / 7.0) - Math.pow(sigmas[0], 1 / 7.0);
    for (int i = 1; i < 20; i++) {
      assertEquals(step, Math.pow(sigmas[i], 1 / 7.0) - Math.pow(sigmas[i - 1], 1 / 7.0), 1e-9);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"euler", "euler-a"})
  void eulerTimestepsInvertTheKarrasSigmas(String name) {
    Scheduler scheduler = Schedulers.create(name, SD2, 20, true, null);
    double[] t = scheduler.timesteps();
    double[] sigmas = scheduler.sigmas();
    assertStrictlyDecreasing(t);
    for (int i = 0; i < t.length; i++) {
      // _sigma_to_t interpolates log σ, so log-σ interpolation at t gives σ back up to float32
      // rounding of t
      // (linear interpolation, NoiseSchedule.sigmaAt, differs by up to 0.3% near σ = 0.05)
      assertRelative(sigmas[i], logSigmaInterpolated(t[i]), 1e-5);
    }
    // numpy reference (float32 timesteps, not rounded)
    assertArrayEquals(new double[] {999, 961.7327, 921.04193}, Arrays.copyOfRange(t, 0, 3), 1e-3);
    assertEquals(5.99183226, t[17], 1e-4);
    assertEquals(sigmas[0], scheduler.initNoiseSigma());
  }

  @Test
  void dpmSolverTimestepsAreTheRoundedInversion() {
    Scheduler dpm = Schedulers.create("dpmpp-2m", SD2, 20, true, null);
    double[] t = dpm.timesteps();
    double[] sigmas = dpm.sigmas();
    for (int i = 0; i < t.length; i++) {
      assertEquals(Math.rint(t[i]), t[i], "timestep " + i + " is integral");
      assertEquals(Math.rint(SCHEDULE.timestepForSigma(sigmas[i])), t[i]);
      if (i > 0) {
        assertTrue(t[i] <= t[i - 1], "timesteps are non-increasing");
      }
    }
    assertArrayEquals(new double[] {999, 962, 921, 876, 827}, Arrays.copyOfRange(t, 0, 5));
    assertArrayEquals(new double[] {35, 15, 6, 2, 0}, Arrays.copyOfRange(t, 15, 20));
    assertStrictlyDecreasing(t);
  }

  @Test
  void dpmSolverKarrasSpansTheTrainingRangeWhateverTheSpacing() {
    double[] leading = Schedulers.create("dpmpp-2m", SD2, 20, true, Spacing.LEADING).sigmas();
    assertArrayEquals(Schedulers.create("dpmpp-2m", SD2, 20, true, null).sigmas(), leading);
    // Euler takes its range from the spaced sigmas instead: leading tops out at timestep 951
    double[] eulerLeading = Schedulers.create("euler", SD2, 20, true, Spacing.LEADING).sigmas();
    assertRelative(SCHEDULE.sigma(951), eulerLeading[0], 1e-12);
  }

  @Test
  void configFlagTurnsKarrasOnButNotForDdim() {
    SchedulerConfig karras =
        SchedulerConfig.parse(
            "{\"beta_schedule\": \"scaled_linear\", "
                + "\"beta_start\": 0.00085, \"beta_end\": 0.012, \"use_karras_sigmas\": true}");
    assertArrayEquals(
        Schedulers.create("euler", SD2, 20, true, null).sigmas(),
        Schedulers.create("euler", karras, 20, false, null).sigmas());
    assertEquals(20, Schedulers.create("ddim", karras, 20, false, null).timesteps().length);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Schedulers.create("ddim", SD2, 20, true, null));
    assertTrue(e.getMessage().contains("euler, euler-a, dpmpp-2m"), e.getMessage());
  }

  private static double logSigmaInterpolated(double timestep) {
    int low = (int) Math.min(Math.floor(timestep), SCHEDULE.size() - 2);
    double weight = timestep - low;
    return Math.exp(
        (1 - weight) * Math.log(SCHEDULE.sigma(low)) + weight * Math.log(SCHEDULE.sigma(low + 1)));
  }

  private static void assertStrictlyDecreasing(double[] values) {
    for (int i = 1; i < values.length; i++) {
      assertTrue(
          values[i] < values[i - 1], "not decreasing at " + i + ": " + Arrays.toString(values));
    }
  }
}
