package dev.tessera.render.schedule;

/**
 * Scheduler configs of the Stable Diffusion 2.x bundles, as their {@code scheduler_config.json}
 * spells them.
 */
final class Sd2Configs {

  private Sd2Configs() {}

  /** stable-diffusion-2-1 (768 px): v-prediction, no timestep_spacing, set_alpha_to_one false. */
  static SchedulerConfig vPrediction() {
    return of("v_prediction");
  }

  /** stable-diffusion-2-1-base (512 px): the same schedule predicting epsilon. */
  static SchedulerConfig epsilon() {
    return of("epsilon");
  }

  static SchedulerConfig of(String predictionType) {
    return SchedulerConfig.parse(
        """
                {
                  "_class_name": "DDIMScheduler",
                  "_diffusers_version": "0.8.0",
                  "beta_end": 0.012,
                  "beta_schedule": "scaled_linear",
                  "beta_start": 0.00085,
                  "clip_sample": false,
                  "num_train_timesteps": 1000,
                  "prediction_type": "%s",
                  "set_alpha_to_one": false,
                  "skip_prk_steps": true,
                  "steps_offset": 1,
                  "trained_betas": null
                }
                """
            .formatted(predictionType));
  }
}
