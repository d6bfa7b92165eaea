package dev.tessera.scheduler;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobState;
import dev.tessera.scheduler.EventApplier.Outcome;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Applies an owner's cancel request ({@link ControlMessage.Cancel} from {@code render.control}) to
 * the job's row, through the state machine and a guarded write. The rules, by the job's current
 * state:
 *
 * <ul>
 *   <li>QUEUED becomes CANCELED at once: no worker has reported it, and every worker that takes it
 *       later knows it is cancelled and acknowledges it without rendering.
 *   <li>RUNNING is left to its worker, which heard the same request: it stops the render and
 *       reports {@code Canceled}, or it had already finished and its {@code Succeeded} or {@code
 *       Failed} stands (see {@link EventApplier}). Deciding here could record CANCELED for a job
 *       whose image was just stored.
 *   <li>CANCELED is a duplicate (the request was relayed twice, or a worker reported first);
 *       SUCCEEDED and FAILED stay as they are: the result that ended the job stands.
 * </ul>
 *
 * A write that loses its guard is decided again on a fresh read, at most {@value
 * EventApplier#MAX_TRIES} times. Plain Java, like {@link EventApplier}.
 */
public final class CancelRequestApplier {
  private static final System.Logger LOG = System.getLogger(CancelRequestApplier.class.getName());

  private final JobRepository jobs;

  public CancelRequestApplier(JobRepository jobs) {
    this.jobs = jobs;
  }

  /** Applies {@code message} to its job; the write it makes is committed when this returns. */
  public Outcome apply(ControlMessage message) {
    ControlMessage.Cancel cancel = (ControlMessage.Cancel) message;
    for (int i = 0; i < EventApplier.MAX_TRIES; i++) {
      Optional<JobRow> row = jobs.find(cancel.jobId());
      if (row.isEmpty()) {
        LOG.log(Level.WARNING, "cancel request for unknown job: {0}", cancel);
        return Outcome.IGNORED;
      }
      Optional<Outcome> outcome = tryApply(row.get(), cancel);
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    LOG.log(Level.WARNING, "gave up after {0} lost races: {1}", EventApplier.MAX_TRIES, cancel);
    return Outcome.CONFLICT;
  }

  private Optional<Outcome> tryApply(JobRow row, ControlMessage.Cancel cancel) {
    switch (row.state()) {
      case QUEUED -> {
        JobFields canceled = row.fields().canceled(cancel.requestedAt());
        return jobs.transition(
                row.id(), JobState.QUEUED, row.version(), JobState.CANCELED, canceled)
            ? Optional.of(Outcome.APPLIED)
            : Optional.empty();
      }
      case CANCELED -> {
        return Optional.of(Outcome.DUPLICATE);
      }
      default -> {
        LOG.log(
            Level.DEBUG,
            "cancel request for a job in {0}: left to its worker or its result: {1}",
            row.state(),
            cancel);
        return Optional.of(Outcome.IGNORED);
      }
    }
  }
}
