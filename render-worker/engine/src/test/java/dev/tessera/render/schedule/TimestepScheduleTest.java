package dev.tessera.render.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Timesteps, sigmas and initial noise per scheduler and spacing. Expected values not given in the
 * brief were computed with numpy following the diffusers code of each scheduler.
 */
class TimestepScheduleTest {

  private static final SchedulerConfig SD2 = Sd2Configs.vPrediction();

  @Test
  void ddimDefaultsToLeadingWithStepsOffset() {
    double[] t = Schedulers.create("ddim", SD2, 50, false, null).timesteps();
    assertEquals(50, t.length);
    assertArrayEquals(new double[] {981, 961, 941}, Arrays.copyOfRange(t, 0, 3));
    assertArrayEquals(new double[] {41, 21, 1}, Arrays.copyOfRange(t, 47, 50));
    assertNull(Schedulers.create("ddim", SD2, 50, false, null).sigmas());
    assertEquals(1.0, Schedulers.create("ddim", SD2, 50, false, null).initNoiseSigma());
  }

  @Test
  void ddimLinspaceAndTrailingRoundAsNumpy() {
    double[] linspace = Schedulers.create("ddim", SD2, 50, false, Spacing.LINSPACE).timesteps();
    assertArrayEquals(new double[] {999, 979, 958, 938}, Arrays.copyOfRange(linspace, 0, 4));
    assertArrayEquals(new double[] {41, 20, 0}, Arrays.copyOfRange(linspace, 47, 50));
    double[] trailing = Schedulers.create("ddim", SD2, 50, false, Spacing.TRAILING).timesteps();
    assertArrayEquals(new double[] {999, 979, 959}, Arrays.copyOfRange(trailing, 0, 3));
    assertArrayEquals(new double[] {59, 39, 19}, Arrays.copyOfRange(trailing, 47, 50));
  }

  @Test
  void trailingKeepsExactlyStepsWhereNumpyArangeAddsAStrayMinusOne() {
    // np.arange(1000, 0, -1000/61) has 62 entries, the last rounding to timestep -1
    double[] t = Schedulers.create("ddim", SD2, 61, false, Spacing.TRAILING).timesteps();
    assertEquals(61, t.length);
    assertArrayEquals(new double[] {999, 983, 966}, Arrays.copyOfRange(t, 0, 3));
    assertArrayEquals(new double[] {48, 32, 15}, Arrays.copyOfRange(t, 58, 61));
  }

  @Test
  void eulerDefaultsToLinspaceWithInterpolatedSigmas() {
    Scheduler euler = Schedulers.create("euler", SD2, 25, false, null);
    double[] sigmas = euler.sigmas();
    assertEquals(26, sigmas.length);
    assertRelative(14.614653, sigmas[0], 1e-7);
    assertRelative(11.435946, sigmas[1], 1e-7);
    assertRelative(9.076812, sigmas[2], 1e-7);
    assertEquals(0.0, sigmas[25]);
    assertRelative(14.614653, euler.initNoiseSigma(), 1e-7);
    assertArrayEquals(
        new double[] {999, 957.375, 915.75}, Arrays.copyOfRange(euler.timesteps(), 0, 3));
    assertEquals(0.0, euler.timesteps()[24]);
  }

  @Test
  void eulerLeadingStartsBelowTheTopAndAddsUnitVariance() {
    Scheduler euler = Schedulers.create("euler", SD2, 25, false, Spacing.LEADING);
    double[] sigmas = euler.sigmas();
    assertArrayEquals(new double[] {961, 921}, Arrays.copyOfRange(euler.timesteps(), 0, 2));
    assertRelative(11.676055908203125, sigmas[0], 1e-9);
    assertEquals(Math.sqrt(sigmas[0] * sigmas[0] + 1), euler.initNoiseSigma(), 1e-12);
    assertRelative(11.71880034694188, euler.initNoiseSigma(), 1e-9);
    assertEquals(
        euler.initNoiseSigma(),
        Schedulers.create("euler-a", SD2, 25, false, Spacing.LEADING).initNoiseSigma());
  }

  @Test
  void configSpacingIsUsedUnlessOverridden() {
    SchedulerConfig trailing = SchedulerConfig.parse("{\"timestep_spacing\": \"trailing\"}");
    assertEquals(Spacing.TRAILING, Schedulers.spacing("euler", trailing, null));
    assertEquals(Spacing.LINSPACE, Schedulers.spacing("euler", trailing, Spacing.LINSPACE));
    assertEquals(Spacing.LEADING, Schedulers.spacing("ddim", SD2, null));
    assertEquals(Spacing.LINSPACE, Schedulers.spacing("dpmpp-2m", SD2, null));
    assertEquals(999, Schedulers.create("euler", trailing, 25, false, null).timesteps()[0]);
    assertEquals(
        Schedulers.create("euler", trailing, 25, false, null).initNoiseSigma(),
        Schedulers.create("euler", trailing, 25, false, null).sigmas()[0]);
  }

  @Test
  void dpmSolverSplitsIntoStepsPlusOneAndDropsZero() {
    double[] linspace = Schedulers.create("dpmpp-2m", SD2, 25, false, null).timesteps();
    assertEquals(25, linspace.length);
    assertArrayEquals(new double[] {999, 959, 919, 879}, Arrays.copyOfRange(linspace, 0, 4));
    assertArrayEquals(new double[] {120, 80, 40}, Arrays.copyOfRange(linspace, 22, 25));
    double[] leading = Schedulers.create("dpmpp-2m", SD2, 25, false, Spacing.LEADING).timesteps();
    assertArrayEquals(new double[] {951, 913, 875}, Arrays.copyOfRange(leading, 0, 3));
    assertArrayEquals(new double[] {115, 77, 39}, Arrays.copyOfRange(leading, 22, 25));
    double[] trailing = Schedulers.create("dpmpp-2m", SD2, 25, false, Spacing.TRAILING).timesteps();
    assertArrayEquals(new double[] {119, 79, 39}, Arrays.copyOfRange(trailing, 22, 25));
  }

  @Test
  void dpmSolverSigmasAreTheTrainingSigmasAtItsTimestepsAndItsNoiseIsUnit() {
    Scheduler dpm = Schedulers.create("dpmpp-2m", SD2, 25, false, null);
    NoiseSchedule schedule = NoiseSchedule.of(SD2);
    double[] t = dpm.timesteps();
    double[] sigmas = dpm.sigmas();
    for (int i = 0; i < t.length; i++) {
      assertEquals(schedule.sigma((int) t[i]), sigmas[i], 1e-12);
    }
    assertEquals(0.0, sigmas[25]);
    assertEquals(1.0, dpm.initNoiseSigma());
  }

  static void assertRelative(double expected, double actual, double tolerance) {
    assertEquals(
        expected,
        actual,
        Math.abs(expected) * tolerance,
        "expected " + expected + ", got " + actual);
  }
}
