package dev.tessera.scheduler;

import dev.tessera.common.JobState;
import dev.tessera.common.StageTimings;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job transition the {@link JobRepository} wrote: its guarded update won and is committed.
 *
 * @param tenant the name of the job's tenant; null for a job from before tenants existed
 * @param fields the lifecycle columns as written
 * @param createdAt when the job was submitted
 * @param timings the stage timings saved with a success; empty for any other transition
 */
public record AppliedTransition(
    UUID jobId,
    String model,
    String tenant,
    JobState from,
    JobState to,
    JobFields fields,
    Instant createdAt,
    List<StageTimings.Entry> timings) {}
