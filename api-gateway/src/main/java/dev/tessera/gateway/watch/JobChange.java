package dev.tessera.gateway.watch;

import java.util.Optional;
import java.util.UUID;

/**
 * Something about a job changed, as the database announced it (the {@code tessera_job_changed}
 * notification of migration V7) or a worker reported it on render.events.
 *
 * @param jobId the job
 * @param batchId its batch, or null when it has none or the announcement did not say
 */
public record JobChange(UUID jobId, UUID batchId, Kind kind) {
  /** The PostgreSQL channel the migration's triggers notify on. */
  public static final String CHANNEL = "tessera_job_changed";

  /** What changed. */
  public enum Kind {
    /** The state or the version moved: any field of the job may differ. */
    STATE,
    /** Only the progress moved. */
    PROGRESS,
    /** Its owner asked to cancel it; the state moves later. */
    CANCEL,
    /** A worker reported an end (on render.events); the scheduler records the state soon. */
    REPORTED
  }

  /** The change a notification's payload ({@code "<job>,<batch or empty>,<kind>"}) describes. */
  public static Optional<JobChange> parse(String payload) {
    String[] parts = payload == null ? new String[0] : payload.split(",", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      UUID job = UUID.fromString(parts[0]);
      UUID batch = parts[1].isEmpty() ? null : UUID.fromString(parts[1]);
      Kind kind =
          switch (parts[2]) {
            case "state" -> Kind.STATE;
            case "progress" -> Kind.PROGRESS;
            case "cancel" -> Kind.CANCEL;
            default -> null;
          };
      return kind == null ? Optional.empty() : Optional.of(new JobChange(job, batch, kind));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether a batch's status (its jobs' states) may have moved. */
  public boolean movesBatch() {
    return kind == Kind.STATE;
  }
}
