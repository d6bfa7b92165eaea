package dev.tessera.render.worker;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderCancelledException;
import dev.tessera.render.pipeline.RenderListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.AcknowledgeType;

/**
 * Runs one delivered job end to end: reports it started, renders it, stores the PNG, reports it
 * succeeded, and tells the queue how to acknowledge it. A job that can never succeed is reported
 * FAILED and rejected; any other failure is reported retryable and released, until the last allowed
 * delivery, which fails the job for good.
 *
 * <p>A job its owner cancelled ({@link CancelledJobs}) is reported {@code Canceled} and accepted,
 * so the queue never delivers it again: without rendering when it was known cancelled on arrival,
 * else as soon as the cancel arrives, which stops the render within a step; a render whose cancel
 * came during its last stage uploads nothing. A cancel that arrives once the upload began comes too
 * late: the job succeeds. A render cancelled for any other reason (shutdown, a lost lock) is
 * released for another delivery, as before.
 */
public final class JobRunner implements JobHandler {
  private static final System.Logger LOG = System.getLogger(JobRunner.class.getName());

  /**
   * How a runner reports and retries.
   *
   * @param workerId names the worker in events
   * @param maxDeliveries the share group's delivery-count limit: the delivery that reaches it is
   *     the last
   * @param progressInterval at most one progress event per this interval (plus the last step)
   */
  public record Policy(String workerId, int maxDeliveries, Duration progressInterval) {}

  private final JobExecutor executor;
  private final ResultStore store;
  private final EventPublisher events;
  private final CancelledJobs cancelled;
  private final Policy policy;
  private final Clock clock;

  public JobRunner(
      JobExecutor executor,
      ResultStore store,
      EventPublisher events,
      CancelledJobs cancelled,
      Policy policy,
      Clock clock) {
    this.executor = executor;
    this.store = store;
    this.events = events;
    this.cancelled = cancelled;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public AcknowledgeType handle(byte[] payload, int delivery, CancelToken cancel) {
    RenderJob job;
    try {
      job = Json.decode(payload, RenderJob.class);
    } catch (IllegalArgumentException e) {
      // Without a readable id there is no job row to fail; the record can only be dropped.
      LOG.log(Level.ERROR, "rejecting an unreadable job message: " + e.getMessage());
      return AcknowledgeType.REJECT;
    }
    try (CancelledJobs.Tracked tracked = cancelled.track(job.jobId(), cancel)) {
      if (cancelled.contains(job.jobId())) {
        LOG.log(Level.INFO, "job " + job.jobId() + " was cancelled while queued; not rendered");
        return canceled(job, delivery);
      }
      return run(job, delivery, cancel);
    }
  }

  private AcknowledgeType run(RenderJob job, int delivery, CancelToken cancel) {
    try {
      events.publish(
          new JobEvent.Started(job.jobId(), policy.workerId(), delivery, clock.instant()));
      JobExecutor.Output out = executor.execute(job, progress(job, delivery), cancel);
      cancel.check(); // cancelled while encoding: nothing is uploaded
      long t0 = System.nanoTime();
      String key = store.put(job.jobId(), out.png());
      out.timings().add("upload", System.nanoTime() - t0);
      events.publish(
          new JobEvent.Succeeded(
              job.jobId(),
              policy.workerId(),
              delivery,
              key,
              out.timings().entries(),
              clock.instant()));
      return AcknowledgeType.ACCEPT;
    } catch (JobRejectedException e) {
      return fail(job, delivery, e.getMessage(), false);
    } catch (RenderCancelledException e) {
      if (cancelled.contains(job.jobId())) {
        LOG.log(Level.INFO, "job " + job.jobId() + " cancelled by its owner; stopped");
        return canceled(job, delivery);
      }
      LOG.log(
          Level.INFO,
          "job " + job.jobId() + " cancelled (shutdown, or its lock was lost); released");
      return AcknowledgeType.RELEASE;
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "job " + job.jobId() + " delivery " + delivery + " failed: " + e.getMessage(),
          e);
      if (delivery >= policy.maxDeliveries()) {
        return fail(
            job, delivery, "gave up after " + delivery + " deliveries: " + e.getMessage(), false);
      }
      return fail(job, delivery, e.getMessage(), true);
    }
  }

  /**
   * Reports the job cancelled and accepts it, so it is not delivered again; should the report fail,
   * the job is released instead, for a later delivery to report it.
   */
  private AcknowledgeType canceled(RenderJob job, int delivery) {
    try {
      events.publish(
          new JobEvent.Canceled(job.jobId(), policy.workerId(), delivery, clock.instant()));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot report cancel of job " + job.jobId() + ": " + e.getMessage());
      return AcknowledgeType.RELEASE;
    }
    return AcknowledgeType.ACCEPT;
  }

  private AcknowledgeType fail(RenderJob job, int delivery, String reason, boolean retryable) {
    try {
      events.publish(
          new JobEvent.Failed(
              job.jobId(), policy.workerId(), delivery, reason, retryable, clock.instant()));
    } catch (IOException e) {
      // The scheduler did not hear it: let the queue deliver the job again rather than lose the
      // outcome.
      LOG.log(Level.WARNING, "cannot report failure of job " + job.jobId() + ": " + e.getMessage());
      return AcknowledgeType.RELEASE;
    }
    return retryable ? AcknowledgeType.RELEASE : AcknowledgeType.REJECT;
  }

  private RenderListener progress(RenderJob job, int delivery) {
    Instant[] last = {Instant.MIN};
    return (step, total) -> {
      Instant now = clock.instant();
      if (step == total
          || Duration.between(last[0], now).compareTo(policy.progressInterval()) >= 0) {
        last[0] = now;
        events.publishLater(
            new JobEvent.Progress(job.jobId(), policy.workerId(), delivery, step, total, now));
      }
    };
  }
}
