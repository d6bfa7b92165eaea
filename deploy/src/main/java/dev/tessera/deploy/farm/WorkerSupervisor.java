package dev.tessera.deploy.farm;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the local farm's render workers running, as Kubernetes keeps a pod's container: a worker
 * whose process has exited, or whose liveness check ({@code /q/health/live}) answers down on
 * {@value #DOWN_CHECKS} checks in a row (a stalled queue loop, a failed start-up), is killed and
 * started again under the same name. Restarts of one worker that follow each other within a minute
 * wait twice as long each time, up to {@link #MAX_DELAY}.
 *
 * <p>Lifetime: from construction until {@link #close()} (safe twice), which stops the watching, not
 * the workers.
 */
final class WorkerSupervisor implements AutoCloseable {
  /** Starts a worker process under the given name. */
  @FunctionalInterface
  interface Launcher {
    AppProcess start(String name) throws IOException;
  }

  private static final System.Logger LOG = System.getLogger(WorkerSupervisor.class.getName());
  static final int DOWN_CHECKS = 3;
  private static final Duration CHECK_EVERY = Duration.ofSeconds(2);
  private static final Duration MAX_DELAY = Duration.ofSeconds(30);
  private static final Duration CALM = Duration.ofMinutes(1);

  /** One worker name and the process that currently runs it. */
  private static final class Slot {
    final String name;
    AppProcess process;
    int downChecks;
    long restartedAt;
    Duration delay = Duration.ZERO;
    long restartDue = -1;
    int restarts;

    Slot(String name, AppProcess process) {
      this.name = name;
      this.process = process;
    }
  }

  private final Launcher launcher;
  private final List<Slot> slots = new ArrayList<>();
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "worker-supervisor");
            t.setDaemon(true);
            return t;
          });
  private boolean closed;

  WorkerSupervisor(Launcher launcher) {
    this.launcher = launcher;
    checks.scheduleWithFixedDelay(
        this::checkAll, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts a worker named {@code name} and keeps it running from now on. */
  synchronized AppProcess start(String name) throws IOException {
    AppProcess process = launcher.start(name);
    slots.add(new Slot(name, process));
    return process;
  }

  /** The processes that run the workers now (a restarted worker's newest process). */
  synchronized List<AppProcess> workers() {
    return slots.stream().map(s -> s.process).toList();
  }

  /**
   * Stops keeping the worker named {@code name} running, as a scale-in would, and returns its
   * process, which is left as it is.
   *
   * @throws IllegalArgumentException when no such worker is supervised
   */
  synchronized AppProcess release(String name) {
    Slot slot =
        slots.stream()
            .filter(s -> s.name.equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no worker named " + name));
    slots.remove(slot);
    return slot.process;
  }

  /** How many times the worker named {@code name} was restarted. */
  synchronized int restarts(String name) {
    return slots.stream().filter(s -> s.name.equals(name)).mapToInt(s -> s.restarts).sum();
  }

  private synchronized void checkAll() {
    if (closed) {
      return;
    }
    for (Slot slot : slots) {
      try {
        check(slot);
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "supervising " + slot.name + ": " + e.getMessage());
      }
    }
  }

  private void check(Slot slot) throws IOException {
    long now = System.nanoTime();
    if (slot.restartDue >= 0) {
      if (now >= slot.restartDue) {
        restart(slot, now);
      }
      return;
    }
    String reason = null;
    if (!slot.process.isAlive()) {
      reason = "its process exited";
    } else {
      int liveness = slot.process.liveness();
      slot.downChecks = liveness == 200 || liveness == -1 ? 0 : slot.downChecks + 1;
      if (slot.downChecks >= DOWN_CHECKS) {
        reason = "its liveness check answered " + liveness + " " + DOWN_CHECKS + " times in a row";
      }
    }
    if (reason == null) {
      return;
    }
    slot.process.kill();
    slot.downChecks = 0;
    boolean soonAfterLast = slot.restarts > 0 && now - slot.restartedAt < CALM.toNanos();
    slot.delay =
        !soonAfterLast
            ? Duration.ZERO
            : slot.delay.isZero() ? CHECK_EVERY : min(slot.delay.multipliedBy(2), MAX_DELAY);
    slot.restartDue = now + slot.delay.toNanos();
    LOG.log(
        Level.WARNING,
        slot.name
            + " is down ("
            + reason
            + "); restarting it"
            + (slot.delay.isZero() ? "" : " in " + slot.delay.toSeconds() + " s"));
    if (slot.delay.isZero()) {
      restart(slot, now);
    }
  }

  private void restart(Slot slot, long now) throws IOException {
    slot.restartDue = -1;
    slot.process = launcher.start(slot.name);
    slot.restarts++;
    slot.restartedAt = now;
    LOG.log(Level.INFO, slot.name + " restarted (pid " + slot.process.pid() + ")");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      checks.shutdownNow();
    }
  }
}
