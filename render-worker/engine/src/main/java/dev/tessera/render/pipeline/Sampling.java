package dev.tessera.render.pipeline;

import dev.tessera.render.schedule.NoiseSource;
import dev.tessera.render.schedule.Scheduler;

/**
 * How a denoising loop moves the latents from step to step: the render's scheduler and the noise
 * its ancestral steps draw.
 */
public record Sampling(Scheduler scheduler, NoiseSource noise) {}
