package dev.tessera.render.schedule;

import java.util.Arrays;

/**
 * The timesteps and noise levels of a σ-based scheduler for one render: one timestep per step and
 * one σ per step plus the final 0. Built the way diffusers' Euler or DPM-Solver multistep {@code
 * set_timesteps} builds them. Immutable by convention: the arrays are owned here and handed out
 * only as copies by the schedulers.
 *
 * @param timesteps model timesteps, descending
 * @param sigmas σ per step, then 0
 * @param initNoiseSigma standard deviation of the initial text-to-image noise in the scheduler's
 *     sample space
 */
record SigmaSchedule(double[] timesteps, double[] sigmas, double initNoiseSigma) {

  /** EulerDiscreteScheduler / EulerAncestralDiscreteScheduler: float32 timesteps, σ in σ space. */
  static SigmaSchedule euler(
      SchedulerConfig config, NoiseSchedule schedule, int steps, Spacing spacing, boolean karras) {
    double[] timesteps =
        SpacedTimesteps.euler(spacing, schedule.size(), steps, config.stepsOffset());
    double[] levels = new double[steps];
    for (int i = 0; i < steps; i++) {
      levels[i] = schedule.sigmaAt(timesteps[i]);
    }
    if (karras) {
      // diffusers takes σmin and σmax from the spaced sigmas here, not from the whole training
      // schedule
      levels = KarrasSigmas.between(levels[steps - 1], levels[0], steps);
      for (int i = 0; i < steps; i++) {
        timesteps[i] = schedule.timestepForSigma(levels[i]);
      }
      timesteps = SpacedTimesteps.toFloat32(timesteps);
    }
    double sigmaMax = Arrays.stream(levels).max().orElseThrow();
    // leading spacing starts below the top timestep; diffusers then also counts the unit data
    // variance
    double initNoiseSigma =
        spacing == Spacing.LEADING ? Math.sqrt(sigmaMax * sigmaMax + 1) : sigmaMax;
    return new SigmaSchedule(timesteps, withFinalZero(levels), initNoiseSigma);
  }

  /**
   * DPMSolverMultistepScheduler: integer timesteps (Karras ones rounded); the sample is variance
   * preserving, so the initial noise is N(0, 1).
   */
  static SigmaSchedule dpmSolver(
      SchedulerConfig config, NoiseSchedule schedule, int steps, Spacing spacing, boolean karras) {
    double[] timesteps;
    double[] levels;
    if (karras) {
      // unlike Euler, diffusers spans the whole training range here, whatever the spacing
      levels = KarrasSigmas.between(schedule.sigma(0), schedule.sigma(schedule.size() - 1), steps);
      timesteps = new double[steps];
      for (int i = 0; i < steps; i++) {
        timesteps[i] = Math.rint(schedule.timestepForSigma(levels[i]));
      }
    } else {
      timesteps = SpacedTimesteps.dpmSolver(spacing, schedule.size(), steps, config.stepsOffset());
      levels = new double[steps];
      for (int i = 0; i < steps; i++) {
        levels[i] = schedule.sigmaAt(timesteps[i]);
      }
    }
    return new SigmaSchedule(timesteps, withFinalZero(levels), 1.0);
  }

  int steps() {
    return timesteps.length;
  }

  private static double[] withFinalZero(double[] levels) {
    return Arrays.copyOf(levels, levels.length + 1);
  }
}
