package dev.tessera.gateway.watch;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import jakarta.ws.rs.sse.Sse;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The event stream of one job: {@code state} on connect and on every move of the state (or a new
 * attempt), {@code progress} at most every {@link #PROGRESS_INTERVAL} (from the worker's
 * render.events reports as they come, and from the database), then the job's end ({@code
 * succeeded}, {@code failed} or {@code cancelled}), and it ends.
 *
 * <p>The end is sent only once the scheduler recorded it: a worker's report on render.events only
 * makes the stream look at the row at once, since the state recorded first stands (a job cancelled
 * while its worker uploads stays cancelled).
 *
 * <p>Event ids are {@link StreamPosition}s of the job's row. A client that resumes with {@code
 * Last-Event-ID} gets nothing it has seen: only newer progress when the state has not moved, the
 * current state when it has, and the end if it missed it.
 */
final class JobEventStream extends EventStream {
  private final Tenant tenant;
  private final UUID jobId;
  private final JobSnapshots jobs;
  private final Optional<StreamPosition> resumedFrom;
  // Guarded by this.
  private JobSnapshot last;
  private int sentStep;
  private long sentProgressAt = System.nanoTime() - PROGRESS_INTERVAL.toNanos();
  private int heldStep;
  private int heldTotal;
  private boolean flushScheduled;

  JobEventStream(Services services, Sse sse, Tenant tenant, UUID jobId, String lastEventId) {
    super(services, sse);
    this.tenant = tenant;
    this.jobId = jobId;
    this.jobs = services.jobs();
    this.resumedFrom = StreamPosition.parse(lastEventId);
  }

  /** The job as first read, after {@link #watch}. */
  synchronized void begin(JobSnapshot first) {
    last = first;
  }

  @Override
  protected synchronized void opened() {
    StreamPosition now = new StreamPosition(last.version(), last.step(), false);
    StreamPosition seen = resumedFrom.orElse(null);
    boolean sameVersion = seen != null && seen.version() == now.version();
    if (last.state().isTerminal()) {
      if (!(sameVersion && seen.end())) {
        if (!sameVersion || seen.step() != now.step()) {
          sendState();
        }
        sendEnd();
      }
      end();
    } else if (!sameVersion) {
      sendState();
    } else if (seen.step() < now.step()) {
      sendProgress(last.step(), last.total());
    } else {
      sentStep = seen.step();
    }
  }

  @Override
  protected void refreshNow() throws Exception {
    Optional<JobSnapshot> read = jobs.find(tenant, jobId);
    synchronized (this) {
      if (read.isEmpty()) {
        end(); // deleted: nothing more will happen
      } else {
        advance(read.get());
      }
    }
  }

  @Override
  public void changed(JobChange change) {
    if (change.kind() != JobChange.Kind.CANCEL) {
      refresh.request();
    }
  }

  @Override
  public void resync() {
    refresh.request();
  }

  @Override
  public synchronized void progressed(JobEvent.Progress progress) {
    if (isOpen()
        && last.state() == JobState.RUNNING
        && progress.attempt() == last.attempt()
        && progress.step() > sentStep) {
      progress(progress.step(), progress.total());
    }
  }

  private void advance(JobSnapshot now) {
    if (now.version() != last.version() || now.state() != last.state()) {
      last = now;
      sendState();
      if (now.state().isTerminal()) {
        sendEnd();
        end();
      }
    } else if (now.state() == JobState.RUNNING && now.step() > sentStep) {
      last = now;
      progress(now.step(), now.total());
    }
  }

  /** Progress now, or when the interval since the last has passed, whichever is later. */
  private void progress(int step, int total) {
    long since = System.nanoTime() - sentProgressAt;
    if (since >= PROGRESS_INTERVAL.toNanos()) {
      sendProgress(step, total);
      return;
    }
    heldStep = step;
    heldTotal = total;
    if (!flushScheduled) {
      flushScheduled = true;
      CompletableFuture.delayedExecutor(
              PROGRESS_INTERVAL.toNanos() - since, TimeUnit.NANOSECONDS, executor)
          .execute(this::flushHeld);
    }
  }

  private synchronized void flushHeld() {
    flushScheduled = false;
    if (last.state() == JobState.RUNNING && heldStep > sentStep) {
      sendProgress(heldStep, heldTotal);
    }
  }

  private void sendState() {
    sentStep = last.step();
    heldStep = 0; // progress held back belongs to the state before
    send(
        "state",
        new StreamPosition(last.version(), last.step(), false).id(),
        JobUpdate.state(last, null));
  }

  private void sendProgress(int step, int total) {
    sentStep = step;
    sentProgressAt = System.nanoTime();
    send(
        "progress",
        new StreamPosition(last.version(), step, false).id(),
        JobUpdate.progress(last.id(), null, step, total));
  }

  private void sendEnd() {
    sendJobEnd(last, null, new StreamPosition(last.version(), last.step(), true).id());
  }
}
