package dev.tessera.gateway.watch;

import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.BatchView;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.batches.BatchState;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The event stream of a batch: {@code state} (the batch as {@code GET /v1/batches/{id}} shows it)
 * on connect and whenever its counts move; for each of its jobs that changes while the stream is
 * open, {@code progress} (at most every {@link #PROGRESS_INTERVAL} per job) and its end ({@code
 * succeeded}, {@code failed} or {@code cancelled}, with the job's {@code custom_id}); it ends once
 * every job has ended.
 *
 * <p>The jobs that changed are read together, by primary key, and the counts once after them, only
 * when a job's state moved; a burst of changes costs one round of reads. Progress comes from the
 * database (render.events names jobs, not batches).
 *
 * <p>The id of a {@code state} event is the batch's counts ({@code
 * queued.dispatched.running.succeeded.failed.canceled}), that of a job's event the counts then, a
 * slash and the job's id and position. A client that resumes with {@code Last-Event-ID} is sent the
 * batch's state unless the counts are still those it saw; job events it missed are not sent again
 * (the results stream lists every job's end).
 */
final class BatchEventStream extends EventStream {
  private final Tenant tenant;
  private final UUID batchId;
  private final JobSnapshots jobs;
  private final BatchQuery batches;
  private final Optional<String> resumedFrom;
  // Guarded by this.
  private BatchView last;
  private final Set<UUID> changedJobs = new LinkedHashSet<>();
  private boolean countsStale;
  private final Map<UUID, JobState> states = new HashMap<>();
  private final Map<UUID, Integer> sentSteps = new HashMap<>();
  private final Map<UUID, Long> sentProgressAt = new HashMap<>();
  private final Set<UUID> announcedEnds = new HashSet<>();

  BatchEventStream(Services services, Sse sse, Tenant tenant, UUID batchId, String lastEventId) {
    super(services, sse);
    this.tenant = tenant;
    this.batchId = batchId;
    this.jobs = services.jobs();
    this.batches = services.batches();
    this.resumedFrom = Optional.ofNullable(lastEventId).map(id -> id.strip().split("/", 2)[0]);
  }

  /** The batch as first read, after {@link #watch}. */
  synchronized void begin(BatchView first) {
    last = first;
  }

  @Override
  protected synchronized void opened() {
    if (!resumedFrom.equals(Optional.of(countsId(last)))) {
      send("state", countsId(last), last);
    }
    if (last.state() != BatchState.IN_PROGRESS) {
      end();
    }
  }

  @Override
  public void changed(JobChange change) {
    if (change.kind() == JobChange.Kind.CANCEL) {
      return; // the counts do not show cancel requests, and the job's state follows
    }
    synchronized (this) {
      changedJobs.add(change.jobId());
    }
    refresh.request();
  }

  @Override
  public void resync() {
    synchronized (this) {
      countsStale = true;
    }
    refresh.request();
  }

  @Override
  protected void refreshNow() throws Exception {
    List<UUID> ids;
    synchronized (this) {
      ids = new ArrayList<>(changedJobs);
      changedJobs.clear();
    }
    try {
      if (!ids.isEmpty()) {
        List<JobSnapshot> read = jobs.find(tenant, ids);
        synchronized (this) {
          read.forEach(this::jobChanged);
        }
      }
    } catch (Exception e) {
      synchronized (this) {
        changedJobs.addAll(ids); // read them at the next try
      }
      throw e;
    }
    boolean readCounts;
    synchronized (this) {
      readCounts = countsStale;
      countsStale = false;
    }
    if (readCounts) {
      Optional<BatchView> batch = batches.find(tenant, batchId);
      synchronized (this) {
        if (batch.isEmpty()) {
          end();
        } else {
          countsRead(batch.get());
        }
      }
    }
  }

  private void jobChanged(JobSnapshot job) {
    if (states.put(job.id(), job.state()) != job.state()) {
      countsStale = true;
    }
    if (job.state().isTerminal()) {
      if (announcedEnds.add(job.id())) {
        sendJobEnd(job, job.customId(), jobEventId(job, true));
      }
    } else if (job.state() == JobState.RUNNING
        && job.step() > sentSteps.getOrDefault(job.id(), 0)) {
      progress(job);
    }
  }

  /** Progress now, or the job read again once the interval since its last has passed. */
  private void progress(JobSnapshot job) {
    long now = System.nanoTime();
    long since = now - sentProgressAt.getOrDefault(job.id(), now - PROGRESS_INTERVAL.toNanos());
    if (since >= PROGRESS_INTERVAL.toNanos()) {
      sentSteps.put(job.id(), job.step());
      sentProgressAt.put(job.id(), now);
      send(
          "progress",
          jobEventId(job, false),
          JobUpdate.progress(job.id(), job.customId(), job.step(), job.total()));
    } else {
      CompletableFuture.delayedExecutor(
              PROGRESS_INTERVAL.toNanos() - since, TimeUnit.NANOSECONDS, executor)
          .execute(() -> changed(new JobChange(job.id(), batchId, JobChange.Kind.PROGRESS)));
    }
  }

  private void countsRead(BatchView batch) {
    if (!countsId(batch).equals(countsId(last))) {
      last = batch;
      send("state", countsId(batch), batch);
    }
    if (batch.state() != BatchState.IN_PROGRESS) {
      end();
    }
  }

  private String jobEventId(JobSnapshot job, boolean end) {
    return countsId(last)
        + "/"
        + job.id()
        + "."
        + new StreamPosition(job.version(), job.step(), end).id();
  }

  private static String countsId(BatchView batch) {
    BatchView.RequestCounts c = batch.requestCounts();
    return c.queued()
        + "."
        + c.dispatched()
        + "."
        + c.running()
        + "."
        + c.succeeded()
        + "."
        + c.failed()
        + "."
        + c.canceled();
  }
}
