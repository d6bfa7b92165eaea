package dev.tessera.scheduler.dispatch;

import dev.tessera.common.JobState;
import dev.tessera.common.RenderJob;
import dev.tessera.common.Topics;
import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.JobRepository.StoreException;
import dev.tessera.scheduler.RequestLogContext;
import dev.tessera.scheduler.WorkerRegistry;
import dev.tessera.scheduler.dispatch.WaitingJobs.Waiting;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One dispatch pass: for every model with jobs waiting, fills its queue up to its bound (live
 * workers × {@code perWorker} jobs dispatched and not started) with the jobs the {@link
 * DispatchPolicy} puts first. The jobs of one model go in one transaction: each moves QUEUED →
 * DISPATCHED through the guarded transition, their records are sent, and the transaction commits
 * only once the broker stored them all; a failed send rolls the moves back, so a job is DISPATCHED
 * only with its record in the queue. (A commit that fails after the send leaves a record for a
 * QUEUED job: its start moves it to RUNNING, and at worst it is rendered twice.)
 *
 * <p>Only the leading scheduler runs passes; guarded moves make an overlap at a hand-over harmless.
 */
public final class Dispatcher {
  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
  private static final String TIMEOUT = "SELECT set_config('statement_timeout', '10s', true)";

  /**
   * How many jobs wait in Kafka per live worker, and how the lease counts a worker live.
   *
   * @param perWorker jobs dispatched and not started, at most, per live worker of a model
   * @param lease a worker silent for this long is not live
   * @param agingStep a waiting job gains a priority point per this much waiting
   */
  public record Bounds(int perWorker, Duration lease, Duration agingStep) {
    public Bounds {
      if (perWorker < 1) {
        throw new IllegalArgumentException("jobs per worker must be at least 1, got " + perWorker);
      }
    }
  }

  private final DataSource dataSource;
  private final JobRepository jobs;
  private final WorkerRegistry workers;
  private final WaitingJobs waiting;
  private final DispatchPolicy policy;
  private final JobQueuePublisher queues;
  private final Bounds bounds;

  Dispatcher(
      DataSource dataSource,
      JobRepository jobs,
      WorkerRegistry workers,
      JobQueuePublisher queues,
      Bounds bounds) {
    this.dataSource = dataSource;
    this.jobs = jobs;
    this.workers = workers;
    this.waiting = new WaitingJobs(dataSource);
    this.policy = new DispatchPolicy(bounds.agingStep());
    this.queues = queues;
    this.bounds = bounds;
  }

  /**
   * Dispatches what the bounds allow at {@code now}.
   *
   * @return the jobs dispatched, per model
   * @throws StoreException when the database fails
   * @throws IOException when the broker did not store a model's records; that model's jobs stay
   *     QUEUED, and models dispatched before it in this pass stay dispatched
   */
  public Map<String, Integer> pass(Instant now) throws IOException, InterruptedException {
    Map<String, Integer> done = new HashMap<>();
    List<String> models = waiting.modelsWaiting();
    if (models.isEmpty()) {
      return done;
    }
    Map<String, Integer> live = workers.capacity(bounds.lease());
    Map<String, Integer> inQueue = waiting.dispatched();
    for (String model : models) {
      int slots = live.getOrDefault(model, 0) * bounds.perWorker() - inQueue.getOrDefault(model, 0);
      if (slots > 0) {
        int sent = dispatch(model, slots, now);
        if (sent > 0) {
          done.put(model, sent);
        }
      }
    }
    return done;
  }

  private int dispatch(String model, int slots, Instant now)
      throws IOException, InterruptedException {
    WaitingJobs.Candidates found = waiting.candidates(model, slots, now, bounds.agingStep());
    int ceiling = found.ceiling();
    List<Waiting> candidates = new ArrayList<>();
    for (Waiting w : found.waiting()) {
      if (w.job() == null) {
        failUnreadable(w, now);
      } else {
        candidates.add(w);
      }
    }
    Map<UUID, Waiting> byId = new HashMap<>();
    candidates.forEach(w -> byId.put(w.candidate().jobId(), w));
    Map<UUID, DispatchPolicy.Load> loads =
        waiting.loads(candidates.stream().map(w -> w.candidate().tenantId()).distinct().toList());
    List<DispatchPolicy.Candidate> order =
        policy.choose(
            candidates.stream().map(Waiting::candidate).toList(), loads, slots, now, ceiling);
    List<Waiting> chosen = order.stream().map(c -> byId.get(c.jobId())).toList();
    return send(chosen);
  }

  /** A job no worker could read would block its tenant's turn for ever: it fails, saying why. */
  private void failUnreadable(Waiting w, Instant now) {
    UUID id = w.candidate().jobId();
    if (jobs.transition(
        id,
        JobState.QUEUED,
        w.version(),
        JobState.FAILED,
        w.fields().failed(w.fields().attempt(), null, w.unreadable(), now))) {
      LOG.log(Level.WARNING, "job {0} failed: {1}", id, w.unreadable());
    }
  }

  private int send(List<Waiting> chosen) throws IOException, InterruptedException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement timeout = c.prepareStatement(TIMEOUT)) {
          timeout.execute();
        }
        List<RenderJob> records = new ArrayList<>();
        Map<UUID, String> requestIds = new HashMap<>();
        for (Waiting w : chosen) {
          int attempt = w.fields().attempt() + 1;
          boolean won =
              jobs.transition(
                  c,
                  w.job().jobId(),
                  JobState.QUEUED,
                  w.version(),
                  JobState.DISPATCHED,
                  w.fields().dispatched(attempt));
          if (won) {
            records.add(w.job().dispatched(attempt));
            requestIds.put(w.job().jobId(), w.requestId());
          }
        }
        queues.publish(records, requestIds);
        c.commit();
        for (RenderJob job : records) {
          try (RequestLogContext ignored = RequestLogContext.of(requestIds.get(job.jobId()))) {
            LOG.log(
                Level.INFO,
                "job {0} dispatched to {1} (attempt {2})",
                job.jobId(),
                Topics.jobs(job.model()),
                job.attempt());
          }
        }
        LOG.log(Level.DEBUG, "dispatched {0} jobs", records.size());
        return records.size();
      } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot dispatch", e);
    }
  }
}
