package dev.tessera.gateway.webhooks;

import dev.tessera.gateway.retention.ExpiredRows;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The background thread that delivers webhooks: claims up to {@code concurrency} due deliveries
 * ({@link DeliveryQueue}), makes their attempts at once ({@link WebhookPoster}), records how each
 * went, and goes on at once while the queue is full, else after {@code pollInterval}; every gateway
 * replica runs one, and they share the queue. Deliveries are at least once: a receiver may get one
 * twice (the same {@code webhook-id}) when a replica dies between an attempt and its record.
 *
 * <p>Lifetime: {@link #start()} once; {@link #close()} lets the pass in progress finish (its
 * attempts end within {@link WebhookPoster#MAX_ATTEMPT}) and records it, then stops the thread and
 * the lookup threads. A database failure is logged and retried after a pause; nothing is lost, as
 * the queue is the database.
 */
public final class WebhookSender implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WebhookSender.class);

  /**
   * How long a claim holds a delivery: longer than an attempt and its record, so that only a dead
   * sender's deliveries are claimed again.
   */
  static final Duration LEASE = WebhookPoster.MAX_ATTEMPT.plusSeconds(40);

  private static final Duration DATABASE_RETRY = Duration.ofSeconds(5);

  private final DeliveryQueue queue;
  private final RetrySchedule retries;
  private final int concurrency;
  private final Duration pollInterval;
  private final ExpiredRows cleanup;
  private final ExecutorService lookups;
  private final WebhookPoster poster;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;

  /**
   * @param targets where deliveries may go, checked again before every attempt
   * @param concurrency deliveries claimed and attempted at once, at most
   * @param pollInterval wait between looks at the queue while nothing is due
   * @param cleanup deletes ended deliveries once kept long enough, between passes
   */
  public WebhookSender(
      DeliveryQueue queue,
      WebhookTargets targets,
      RetrySchedule retries,
      int concurrency,
      Duration pollInterval,
      ExpiredRows cleanup) {
    if (concurrency < 1) {
      throw new IllegalArgumentException(
          "webhook concurrency must be at least 1, got " + concurrency);
    }
    this.queue = queue;
    this.retries = retries;
    this.concurrency = concurrency;
    this.pollInterval = pollInterval;
    this.cleanup = cleanup;
    AtomicInteger threads = new AtomicInteger();
    this.lookups =
        Executors.newFixedThreadPool(
            concurrency,
            task -> {
              Thread lookup = new Thread(task, "webhook-lookup-" + threads.incrementAndGet());
              lookup.setDaemon(true);
              return lookup;
            });
    this.poster = new WebhookPoster(targets, lookups, Clock.systemUTC());
    this.thread = new Thread(this::run, "webhook-sender");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    LOG.infof(
        "webhook sender started (%d at once, poll %s, retries %s to %s for %s)",
        concurrency, pollInterval, retries.first(), retries.max(), retries.maxAge());
    try {
      while (stopping.getCount() > 0) {
        cleanup.runIfDue();
        Duration pause;
        try {
          pause = pass() < concurrency ? pollInterval : Duration.ZERO;
        } catch (SQLException e) {
          LOG.warnf(
              "webhook sender: the database failed (%s); deliveries are kept, retry in %s",
              e.getMessage(), DATABASE_RETRY);
          pause = DATABASE_RETRY;
        } catch (RuntimeException e) {
          // Unexpected, but the thread must live on: a dead sender would silently stop every
          // webhook.
          LOG.error("webhook sender pass failed unexpectedly", e);
          pause = DATABASE_RETRY;
        }
        stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("webhook sender stopped");
  }

  /** One claim, its attempts and their record; returns how many deliveries it claimed. */
  private int pass() throws SQLException, InterruptedException {
    List<DueDelivery> due = queue.claim(concurrency, LEASE);
    if (due.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<Attempt>> attempts = new ArrayList<>(due.size());
    due.forEach(delivery -> attempts.add(poster.post(delivery)));
    try {
      // Each attempt ends within MAX_ATTEMPT by itself; the bound here only guards against a bug.
      CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
          .get(WebhookPoster.MAX_ATTEMPT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("webhook attempts did not end in time: " + e, e);
    }
    List<DeliveryQueue.Attempted> done = new ArrayList<>(due.size());
    for (int i = 0; i < due.size(); i++) {
      Attempt attempt = attempts.get(i).join();
      done.add(new DeliveryQueue.Attempted(due.get(i), attempt));
      if (!attempt.delivered()) {
        LOG.debugf(
            "webhook %s to %s failed (%s), attempt %d",
            due.get(i).id(),
            due.get(i).url(),
            attempt.status() != null ? "HTTP " + attempt.status() : attempt.error(),
            due.get(i).failures() + 1);
      }
    }
    queue.record(done, retries, ThreadLocalRandom.current()::nextDouble);
    return due.size();
  }

  /** Stops after the pass in progress, within its attempts' bound; safe twice. */
  @Override
  public void close() {
    stopping.countDown();
    try {
      thread.join(LEASE.toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lookups.shutdownNow();
  }
}
