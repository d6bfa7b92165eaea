package dev.tessera.render.schedule;

import static dev.tessera.render.schedule.OracleDenoisingTest.assertClose;
import static dev.tessera.render.schedule.OracleDenoisingTest.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulerContractTest {

  private static final SchedulerConfig SD2 = Sd2Configs.vPrediction();
  private static final NoiseSchedule SCHEDULE = NoiseSchedule.of(SD2);

  static List<String> schedulerNames() {
    return Schedulers.names();
  }

  @Test
  void factoryKnowsFourNames() {
    assertEquals(List.of("ddim", "euler", "euler-a", "dpmpp-2m"), Schedulers.names());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Schedulers.create("pndm", SD2, 20, false, null));
    assertEquals(
        "unknown scheduler 'pndm'; known schedulers: ddim, euler, euler-a, dpmpp-2m",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Schedulers.create(null, SD2, 20, false, null));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 1001})
  void stepsOutsideTheTrainingRangeAreRejected(int steps) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Schedulers.create("euler", SD2, steps, false, null));
    assertEquals(
        "steps must be between 1 and num_train_timesteps (1000), got " + steps, e.getMessage());
  }

  @Test
  void ddimRejectsLeadingTimestepsPastTheSchedule() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Schedulers.create("ddim", SD2, 1000, false, null));
    assertTrue(
        e.getMessage().contains("reach timestep 1000, outside the training range 0..999"),
        e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("schedulerNames")
  void addNoiseIsTheForwardProcessAtTheStepTimestep(String name) {
    Scheduler scheduler = Schedulers.create(name, SD2, 20, false, null);
    float[] x0 = vector(1);
    float[] noise = vector(2);
    double[] timesteps = scheduler.timesteps();
    for (int i : new int[] {0, 7, 19}) {
      float[] expected = new float[x0.length];
      for (int k = 0; k < x0.length; k++) {
        if (name.startsWith("euler")) {
          expected[k] = (float) (x0[k] + SCHEDULE.sigmaAt(timesteps[i]) * noise[k]);
        } else {
          double alphaBar = SCHEDULE.alphaCumprod((int) timesteps[i]);
          expected[k] = (float) (Math.sqrt(alphaBar) * x0[k] + Math.sqrt(1 - alphaBar) * noise[k]);
        }
      }
      assertClose(expected, scheduler.addNoise(x0, noise, i), 1e-5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ddim", "dpmpp-2m"})
  void variancePreservingSchedulersDoNotScaleTheInput(String name) {
    float[] sample = vector(3);
    assertSame(sample, Schedulers.create(name, SD2, 20, false, null).scaleModelInput(sample, 4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"euler", "euler-a"})
  void eulerScalesTheInputToUnitVariance(String name) {
    Scheduler euler = Schedulers.create(name, SD2, 20, false, null);
    float[] sample = vector(4);
    float[] copy = sample.clone();
    float[] scaled = euler.scaleModelInput(sample, 3);
    double sigma = euler.sigmas()[3];
    for (int k = 0; k < sample.length; k++) {
      assertEquals(sample[k] / Math.sqrt(sigma * sigma + 1), scaled[k], 1e-6);
    }
    assertNotSame(sample, scaled);
    assertArrayEquals(copy, sample);
  }

  @ParameterizedTest
  @MethodSource("schedulerNames")
  void stepsMustComeInOrderFromTheBeginIndex(String name) {
    Scheduler scheduler = Schedulers.create(name, SD2, 20, false, null);
    float[] sample = vector(5);
    float[] out = vector(6);
    NoiseSource noise = new OracleDenoisingTest.CountingNoise(7);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> scheduler.step(out, 1, sample, noise));
    assertEquals(
        "step index 1 is out of order: the next step is 0 (begin index 0, 20 steps)",
        e.getMessage());

    scheduler.step(out, 0, sample, noise);
    assertThrows(IllegalArgumentException.class, () -> scheduler.step(out, 0, sample, noise));
    scheduler.step(out, 1, sample, noise);

    scheduler.setBeginIndex(12);
    assertEquals(12, scheduler.beginIndex());
    assertThrows(IllegalArgumentException.class, () -> scheduler.step(out, 2, sample, noise));
    scheduler.step(out, 12, sample, noise);
    e = assertThrows(IllegalArgumentException.class, () -> scheduler.setBeginIndex(20));
    assertEquals("step index 20 is outside 0..19 for 20 steps", e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("schedulerNames")
  void stepLeavesItsInputsAloneAndChecksLengths(String name) {
    Scheduler scheduler = Schedulers.create(name, SD2, 20, false, null);
    float[] sample = vector(8);
    float[] out = vector(9);
    float[] sampleCopy = sample.clone();
    float[] outCopy = out.clone();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> scheduler.step(new float[3], 0, sample, null));
    assertEquals("model output has 3 values but the sample has 64", e.getMessage());

    float[] next = scheduler.step(out, 0, sample, new OracleDenoisingTest.CountingNoise(10));

    assertNotSame(sample, next);
    assertArrayEquals(sampleCopy, sample);
    assertArrayEquals(outCopy, out);
    double[] timesteps = scheduler.timesteps();
    double first = timesteps[0];
    timesteps[0] = -5;
    assertEquals(first, scheduler.timesteps()[0], "timesteps() hands out a copy");
  }

  @Test
  void eulerAncestralNeedsNoiseButTheOthersDoNot() {
    Scheduler ancestral = Schedulers.create("euler-a", SD2, 20, false, null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ancestral.step(vector(1), 0, vector(2), null));
    assertEquals("euler-a needs a NoiseSource for every step but the last", e.getMessage());
    // the failed call did not use up step 0
    ancestral.step(vector(1), 0, vector(2), new OracleDenoisingTest.CountingNoise(3));
    for (String name : List.of("ddim", "euler", "dpmpp-2m")) {
      Schedulers.create(name, SD2, 20, false, null).step(vector(1), 0, vector(2), null);
    }
  }

  @Test
  void eulerAncestralAddsTheDrawnNoiseScaledBySigmaUp() {
    Scheduler ancestral = Schedulers.create("euler-a", SD2, 20, false, null);
    Scheduler euler = Schedulers.create("euler", SD2, 20, false, null);
    double[] sigmas = ancestral.sigmas();
    double from = sigmas[0];
    double to = sigmas[1];
    double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
    double down = Math.sqrt(to * to - up * up);
    float[] sample = vector(4);
    float[] out = vector(5);
    float[] drawn = vector(6);

    float[] result = ancestral.step(out, 0, sample, n -> drawn.clone());

    // the deterministic part is an Euler step to σdown: same derivative, shorter step
    float[] eulerToSigmaOne = euler.step(out, 0, sample, null);
    float[] expected = new float[sample.length];
    for (int k = 0; k < sample.length; k++) {
      double derivative = (eulerToSigmaOne[k] - sample[k]) / (to - from);
      expected[k] = (float) (sample[k] + derivative * (down - from) + drawn[k] * up);
    }
    assertClose(expected, result, 1e-4);
  }
}
