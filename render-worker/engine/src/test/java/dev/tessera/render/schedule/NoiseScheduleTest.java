package dev.tessera.render.schedule;

import static dev.tessera.render.schedule.TimestepScheduleTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

  private static final NoiseSchedule SD2 = NoiseSchedule.of(Sd2Configs.vPrediction());

  @Test
  void scaledLinearMatchesTheSd2Schedule() {
    assertEquals(1000, SD2.size());
    // float32 values, as torch computes them in diffusers (numpy float32 emulation of
    // torch.linspace/cumprod)
    assertEquals(0.99914997816085815, SD2.alphaCumprod(0), 1e-15);
    assertRelative(14.614652633666992, SD2.sigma(999), 1e-12);
    assertRelative(0.029167532920837402, SD2.sigma(0), 1e-12);
    assertRelative(
        Math.sqrt((1 - SD2.alphaCumprod(500)) / SD2.alphaCumprod(500)), SD2.sigma(500), 1e-7);
  }

  @Test
  void otherBetaSchedulesMatchNumpy() {
    NoiseSchedule linear =
        NoiseSchedule.of(SchedulerConfig.parse("{\"beta_start\": 0.00085, \"beta_end\": 0.012}"));
    assertRelative(25.146120071411133, linear.sigma(999), 1e-12);
    NoiseSchedule cosine =
        NoiseSchedule.of(SchedulerConfig.parse("{\"beta_schedule\": \"squaredcos_cap_v2\"}"));
    assertRelative(0.99995869398117065, cosine.alphaCumprod(0), 1e-12);
    assertRelative(0.9999125599861145, cosine.alphaCumprod(1), 1e-12);
  }

  @Test
  void sigmaAtInterpolatesLinearlyAndClamps() {
    assertEquals((SD2.sigma(10) + SD2.sigma(11)) / 2, SD2.sigmaAt(10.5), 1e-15);
    assertEquals(SD2.sigma(0), SD2.sigmaAt(-3));
    assertEquals(SD2.sigma(999), SD2.sigmaAt(1000));
  }

  @Test
  void timestepForSigmaInvertsAndClamps() {
    for (int t : new int[] {0, 1, 250, 998, 999}) {
      assertEquals(t, SD2.timestepForSigma(SD2.sigma(t)), 1e-9);
    }
    double between = Math.sqrt(SD2.sigma(400) * SD2.sigma(401));
    assertEquals(400.5, SD2.timestepForSigma(between), 1e-9);
    assertEquals(0.0, SD2.timestepForSigma(0));
    assertEquals(999.0, SD2.timestepForSigma(100));
  }

  @Test
  void integerTimestepsOutsideTheScheduleAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SD2.alphaCumprod(1000));
    assertTrue(e.getMessage().contains("0..999"), e.getMessage());
  }
}
