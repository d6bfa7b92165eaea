package dev.tessera.render.worker;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.render.pipeline.BatchOutcome;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.RenderCancelledException;
import dev.tessera.render.pipeline.RenderListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs one accepted job end to end: reports it started, renders it, stores the PNG, reports it
 * succeeded. Its record is accepted before it starts, so the queue will not deliver it again and
 * every ending goes to the scheduler, which owns retries and counts attempts: a job that can never
 * succeed is reported failed for good; any other failure, and a render stopped because the worker
 * shuts down, is reported failed and retryable, for the scheduler to dispatch again at once; an
 * upload that fails is retried with the image kept ({@link ResultUploader}) before the job is
 * handed back that way. Every event carries the job's attempt, the dispatch number its record
 * holds. An event that cannot be published is only logged: the scheduler takes back a job whose
 * worker went quiet when its lease runs out.
 *
 * <p>A job its owner cancelled ({@link CancelledJobs}) is reported {@code Canceled}: without
 * rendering when it was known cancelled on arrival, else as soon as the cancel arrives, which stops
 * the render within a step; a render whose cancel came during its last stage uploads nothing. A
 * cancel that arrives once the upload began comes too late: the job succeeds.
 */
public final class JobRunner implements JobHandler {
  /** Told when the worker takes a job and when it is done with it: the worker's heartbeats. */
  public interface Activity {
    /** Busy with {@code jobIds}: one job, or every job of a batch. */
    void busy(List<UUID> jobIds);

    void idle();
  }

  private static final System.Logger LOG = System.getLogger(JobRunner.class.getName());

  /**
   * How a runner reports.
   *
   * @param workerId names the worker in events
   * @param progressInterval at most one progress event per this interval (plus the last step)
   */
  public record Policy(String workerId, Duration progressInterval) {}

  private final JobExecutor executor;
  private final ResultUploader uploader;
  private final EventPublisher events;
  private final CancelledJobs cancelled;
  private final Activity activity;
  private final WorkerMetrics metrics;
  private final Policy policy;
  private final Clock clock;

  public JobRunner(
      JobExecutor executor,
      ResultUploader uploader,
      EventPublisher events,
      CancelledJobs cancelled,
      Activity activity,
      WorkerMetrics metrics,
      Policy policy,
      Clock clock) {
    this.executor = executor;
    this.uploader = uploader;
    this.events = events;
    this.cancelled = cancelled;
    this.activity = activity;
    this.metrics = metrics;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public Outcome handle(byte[] payload, CancelToken cancel) {
    RenderJob job = read(payload);
    if (job == null) {
      return Outcome.DROPPED;
    }
    activity.busy(List.of(job.jobId()));
    metrics.busy(true);
    try {
      Outcome outcome = taken(job, cancel);
      metrics.ended(job.model(), outcome);
      return outcome;
    } finally {
      metrics.busy(false);
      activity.idle();
    }
  }

  /** The job in {@code payload}, or null (logged) when it is not one that can be reported. */
  private static RenderJob read(byte[] payload) {
    RenderJob job;
    try {
      job = Json.decode(payload, RenderJob.class);
    } catch (IllegalArgumentException e) {
      // Without a readable id there is no job to report on.
      LOG.log(Level.ERROR, "dropping an unreadable job message: " + e.getMessage());
      return null;
    }
    if (job.attempt() < 1) {
      // Events need an attempt; the scheduler dispatches every queued job itself, numbered.
      LOG.log(
          Level.ERROR,
          "dropping job "
              + job.jobId()
              + " unrendered: its record carries no attempt, so the scheduler did not dispatch it");
      return null;
    }
    return job;
  }

  /**
   * Runs several accepted jobs: those of the same model, size, steps, scheduler, adapters and
   * guidance on/off denoise together in one UNet batch ({@link JobExecutor#renderBatch}), groups
   * one after another in the order the jobs came; then each job is upscaled, uploaded and reported
   * on its own, so that one job's failure (its upload, its upscale) fails it alone. The heartbeats
   * name every job until all have ended. A job its owner cancels mid-batch leaves the batch before
   * the next step and is reported canceled; the others go on. A job reports {@code started} when
   * its group begins.
   */
  @Override
  public List<Outcome> handleBatch(List<byte[]> payloads, List<CancelToken> cancels) {
    Outcome[] outcomes = new Outcome[payloads.size()];
    Map<Integer, RenderJob> jobs = new LinkedHashMap<>();
    for (int i = 0; i < payloads.size(); i++) {
      RenderJob job = read(payloads.get(i));
      if (job == null) {
        outcomes[i] = Outcome.DROPPED;
      } else {
        jobs.put(i, job);
      }
    }
    if (jobs.isEmpty()) {
      return List.of(outcomes);
    }
    activity.busy(jobs.values().stream().map(RenderJob::jobId).toList());
    metrics.busy(true);
    List<CancelledJobs.Tracked> tracked = new ArrayList<>();
    try {
      Map<Object, List<Integer>> groups = new LinkedHashMap<>();
      Map<Integer, JobExecutor.Plan> plans = new HashMap<>();
      for (Map.Entry<Integer, RenderJob> e : jobs.entrySet()) {
        int i = e.getKey();
        RenderJob job = e.getValue();
        tracked.add(cancelled.track(job.jobId(), cancels.get(i)));
        if (cancelled.contains(job.jobId())) {
          LOG.log(Level.INFO, "job " + job.jobId() + " was cancelled while queued; not rendered");
          outcomes[i] = canceled(job);
          continue;
        }
        try {
          JobExecutor.Plan plan = executor.plan(job);
          plans.put(i, plan);
          groups.computeIfAbsent(plan.batchKey(), k -> new ArrayList<>()).add(i);
        } catch (JobRejectedException | RuntimeException rejected) {
          CancelToken cancel = cancels.get(i);
          outcomes[i] =
              deliver(
                  job,
                  cancel,
                  () -> {
                    started(job);
                    if (rejected instanceof JobRejectedException r) {
                      throw r;
                    }
                    throw (RuntimeException) rejected;
                  });
        }
      }
      for (List<Integer> group : groups.values()) {
        renderGroup(group, jobs, plans, cancels, outcomes);
      }
      for (Map.Entry<Integer, RenderJob> e : jobs.entrySet()) {
        metrics.ended(e.getValue().model(), outcomes[e.getKey()]);
      }
      return List.of(outcomes);
    } finally {
      tracked.forEach(CancelledJobs.Tracked::close);
      metrics.busy(false);
      activity.idle();
    }
  }

  private void renderGroup(
      List<Integer> group,
      Map<Integer, RenderJob> jobs,
      Map<Integer, JobExecutor.Plan> plans,
      List<CancelToken> cancels,
      Outcome[] outcomes) {
    List<JobExecutor.Plan> members = new ArrayList<>();
    List<RenderListener> listeners = new ArrayList<>();
    List<CancelToken> tokens = new ArrayList<>();
    for (int i : group) {
      started(jobs.get(i));
      members.add(plans.get(i));
      listeners.add(progress(jobs.get(i)));
      tokens.add(cancels.get(i));
    }
    LOG.log(
        Level.INFO,
        "rendering "
            + group.size()
            + " job(s) in one batch: "
            + group.stream().map(i -> jobs.get(i).jobId().toString()).toList());
    metrics.batch(members.get(0).job().model(), group.size());
    List<BatchOutcome> rendered;
    Exception failure = null;
    try {
      // Each job's own token drops it from the batch; a worker shutdown cancels them all.
      rendered = executor.renderBatch(members, listeners, tokens, new CancelToken());
    } catch (IOException | RuntimeException e) {
      rendered = null;
      failure = e;
    }
    for (int k = 0; k < group.size(); k++) {
      int i = group.get(k);
      JobExecutor.Plan plan = members.get(k);
      BatchOutcome result = rendered == null ? null : rendered.get(k);
      Exception batchFailure = failure;
      RenderListener listener = listeners.get(k);
      CancelToken cancel = tokens.get(k);
      outcomes[i] =
          deliver(
              plan.job(),
              cancel,
              () -> {
                if (batchFailure instanceof IOException io) {
                  throw io;
                }
                if (batchFailure != null) {
                  throw (RuntimeException) batchFailure;
                }
                return executor.finish(plan, result.get(), listener, cancel);
              });
    }
  }

  private Outcome taken(RenderJob job, CancelToken cancel) {
    try (CancelledJobs.Tracked tracked = cancelled.track(job.jobId(), cancel)) {
      if (cancelled.contains(job.jobId())) {
        LOG.log(Level.INFO, "job " + job.jobId() + " was cancelled while queued; not rendered");
        return canceled(job);
      }
      return run(job, cancel);
    }
  }

  private Outcome run(RenderJob job, CancelToken cancel) {
    return deliver(
        job,
        cancel,
        () -> {
          cancel.check(); // the worker began stopping as it took the job
          started(job);
          return executor.execute(job, progress(job), cancel);
        });
  }

  /** Makes a job's PNG; what it throws is how the job failed. */
  @FunctionalInterface
  private interface Work {
    JobExecutor.Output run() throws JobRejectedException, IOException;
  }

  /** Runs {@code work}, uploads its PNG and reports the job's ending, whichever it is. */
  private Outcome deliver(RenderJob job, CancelToken cancel, Work work) {
    try {
      JobExecutor.Output out = work.run();
      cancel.check(); // cancelled while encoding: nothing is uploaded
      long t0 = System.nanoTime();
      String key = uploader.upload(job.jobId(), out.png(), cancel);
      out.timings().add("upload", System.nanoTime() - t0);
      report(
          new JobEvent.Succeeded(
              job.jobId(),
              policy.workerId(),
              job.attempt(),
              key,
              out.timings().entries(),
              clock.instant()));
      return Outcome.SUCCEEDED;
    } catch (JobRejectedException e) {
      return fail(job, e.getMessage(), false);
    } catch (RenderCancelledException e) {
      if (cancelled.contains(job.jobId())) {
        LOG.log(Level.INFO, "job " + job.jobId() + " cancelled by its owner; stopped");
        return canceled(job);
      }
      LOG.log(Level.INFO, "job " + job.jobId() + " stopped: the worker shuts down");
      return fail(job, "worker " + policy.workerId() + " shut down during the render", true);
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() != null ? e.getMessage() : e.toString();
      LOG.log(
          Level.WARNING,
          "job " + job.jobId() + " attempt " + job.attempt() + " failed: " + reason,
          e);
      return fail(job, reason, true);
    }
  }

  private void started(RenderJob job) {
    LOG.log(Level.INFO, "job " + job.jobId() + " attempt " + job.attempt() + ": rendering");
    report(new JobEvent.Started(job.jobId(), policy.workerId(), job.attempt(), clock.instant()));
  }

  private Outcome canceled(RenderJob job) {
    report(new JobEvent.Canceled(job.jobId(), policy.workerId(), job.attempt(), clock.instant()));
    return Outcome.CANCELED;
  }

  private Outcome fail(RenderJob job, String reason, boolean retryable) {
    report(
        new JobEvent.Failed(
            job.jobId(), policy.workerId(), job.attempt(), reason, retryable, clock.instant()));
    return retryable ? Outcome.RETRYABLE : Outcome.FAILED;
  }

  /** Publishes {@code event}; a failure is logged, and the job's lease runs out instead. */
  private void report(JobEvent event) {
    try {
      events.publish(event);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          e.getMessage()
              + "; the scheduler takes the job back when its lease runs out, unless a later event"
              + " reaches it");
    }
  }

  private RenderListener progress(RenderJob job) {
    Instant[] last = {Instant.MIN};
    return (step, total) -> {
      Instant now = clock.instant();
      if (step == total
          || Duration.between(last[0], now).compareTo(policy.progressInterval()) >= 0) {
        last[0] = now;
        events.publishLater(
            new JobEvent.Progress(job.jobId(), policy.workerId(), job.attempt(), step, total, now));
      }
    };
  }
}
