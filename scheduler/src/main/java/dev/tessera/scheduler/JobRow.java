package dev.tessera.scheduler;

import dev.tessera.common.JobState;
import java.time.Instant;
import java.util.UUID;

/**
 * What the scheduler reads of a job row: identity, guarded state with its version, and the
 * lifecycle columns. The render request itself (settings, upscale) is the gateway's and the
 * workers' business.
 */
public record JobRow(
    UUID id,
    String model,
    JobState state,
    long version,
    JobFields fields,
    Instant createdAt,
    Instant updatedAt) {}
