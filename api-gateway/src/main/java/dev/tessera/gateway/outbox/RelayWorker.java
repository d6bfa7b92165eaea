package dev.tessera.gateway.outbox;

import dev.tessera.gateway.retention.ExpiredRows;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The background thread that drives the {@link OutboxRelay}: passes back to back while rows are
 * waiting, an idle wait (cut short by {@link #wake()}) when the outbox is empty, and exponential
 * backoff while the broker or the database fails, so an outage neither loses rows nor spins. Before
 * relaying it makes sure its topic exists (render.control); while it cannot, it tries again after
 * every failed publish and at least every 30 s. Between passes it has the {@link ExpiredRows}
 * delete rows sent long ago.
 *
 * <p>Logs one line per failed pass (at most one per backoff period) and one when relaying recovers.
 * {@link #close()} lets a pass in progress finish, so shutdown does not abandon acknowledged
 * records.
 */
public final class RelayWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RelayWorker.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);

  /**
   * Pause between attempts to create the topic; relaying goes on meanwhile (the topic may exist
   * after all).
   */
  private static final Duration TOPIC_RETRY = Duration.ofSeconds(30);

  private final OutboxRelay relay;
  private final TopicProvisioner topics;
  private final ExpiredRows cleanup;
  private final Duration idlePoll;
  private final Backoff backoff;
  private final Semaphore wakeups = new Semaphore(0);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;
  private boolean topicsReady;
  private long nextTopicCheck = System.nanoTime();

  public RelayWorker(
      OutboxRelay relay,
      TopicProvisioner topics,
      ExpiredRows cleanup,
      Duration idlePoll,
      Duration maxBackoff) {
    this.relay = relay;
    this.topics = topics;
    this.cleanup = cleanup;
    this.idlePoll = idlePoll;
    this.backoff =
        new Backoff(FIRST_RETRY.compareTo(maxBackoff) < 0 ? FIRST_RETRY : maxBackoff, maxBackoff);
    this.thread = new Thread(this::run, "outbox-relay");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Tells the worker that rows may be waiting (a cancellation was accepted), ending an idle wait
   * early; a backoff is not cut short.
   */
  public void wake() {
    wakeups.release();
  }

  private void run() {
    LOG.infof("outbox relay started (batch %d, idle poll %s)", relay.batchSize(), idlePoll);
    try {
      while (stopping.getCount() > 0) {
        ensureTopics();
        pass();
        cleanup.runIfDue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("outbox relay stopped");
  }

  private void pass() throws InterruptedException {
    try {
      int sent = relay.relayBatch();
      if (backoff.failures() > 0) {
        LOG.infof(
            "outbox relay recovered after %d failed passes; published %d rows",
            backoff.failures(), sent);
        backoff.reset();
      }
      if (sent < relay.batchSize()) {
        awaitWork();
      }
    } catch (PublishException e) {
      // A missing topic fails every publish: retry creating it now rather than at its next slot.
      nextTopicCheck = System.nanoTime();
      pause("publishing to Kafka", e);
    } catch (SQLException e) {
      pause("the database", e);
    } catch (RuntimeException e) {
      // Unexpected, but the thread must live on: a dead relay would silently stop every
      // cancellation.
      LOG.error("outbox relay pass failed unexpectedly", e);
      pause("a relay pass", e);
    }
  }

  private void ensureTopics() {
    if (topicsReady || System.nanoTime() - nextTopicCheck < 0) {
      return;
    }
    try {
      Set<String> created = topics.ensureTopics();
      topicsReady = true;
      if (created.isEmpty()) {
        LOG.info("the relay's topic exists");
      } else {
        LOG.infof("created topic %s", created);
      }
    } catch (ExecutionException | RuntimeException e) {
      // RuntimeException: the admin client itself could not be made (e.g. a bootstrap host that
      // does not resolve).
      nextTopicCheck = System.nanoTime() + TOPIC_RETRY.toNanos();
      Throwable why = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warnf("cannot check or create the relay's topic yet (%s); will retry", why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitWork() throws InterruptedException {
    wakeups.tryAcquire(idlePoll.toMillis(), TimeUnit.MILLISECONDS);
    // One pass serves every cancellation that woke us meanwhile.
    wakeups.drainPermits();
  }

  private void pause(String what, Exception e) throws InterruptedException {
    Duration wait = backoff.next();
    LOG.warnf(
        "outbox relay: %s failed (%s); unsent rows are kept, retry %d in %d ms",
        what, e.getMessage(), backoff.failures(), wait.toMillis());
    stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops after the pass in progress (which ends within the relay's acknowledgement wait), then
   * closes the relay. Safe twice.
   */
  @Override
  public void close() {
    stopping.countDown();
    wakeups.release();
    try {
      thread.join(KafkaClients.ACK_WAIT.plusSeconds(5).toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    relay.close();
  }
}
