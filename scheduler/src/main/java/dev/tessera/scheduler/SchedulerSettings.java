package dev.tessera.scheduler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The scheduler's policies, from {@code tessera.*} properties (or {@code TESSERA_*} environment
 * variables: {@code tessera.lease.timeout} is {@code TESSERA_LEASE_TIMEOUT}).
 */
@ConfigMapping(prefix = "tessera")
public interface SchedulerSettings {
  Dispatch dispatch();

  Lease lease();

  Metrics metrics();

  /** Admission: how many jobs wait in Kafka, how often the leader looks, how waiting ages. */
  interface Dispatch {
    /** Jobs dispatched and not started, at most, per live worker of a model. */
    @WithDefault("2")
    int perWorker();

    /**
     * The longest the leader waits between passes; a queued job or a finished one wakes it at once.
     * A standby tries to take the lead this often.
     */
    @WithDefault("1s")
    Duration pollInterval();

    /** A waiting job gains one priority point per this much waiting, up to 100. */
    @WithDefault("60s")
    Duration agingStep();

    /** A dispatched job no worker started within this is taken back (counts as an attempt). */
    @WithDefault("5m")
    Duration startTimeout();

    /** How often the leader sweeps for jobs of lost workers. */
    @WithDefault("5s")
    Duration sweepInterval();
  }

  /** Leases: when a worker counts as lost, and how many attempts a job gets. */
  interface Lease {
    /** A worker with no heartbeat for this long is lost, and its running job is taken back. */
    @WithDefault("30s")
    Duration timeout();

    /**
     * Attempts (dispatches) a job gets; the attempt that ends without a result at this number fails
     * the job for good.
     */
    @WithDefault("3")
    int maxAttempts();
  }

  /** The gauges computed from PostgreSQL (backlog, workers). */
  interface Metrics {
    /** How often every replica counts them: one statement per interval, whatever the scrapes. */
    @WithDefault("5s")
    Duration interval();
  }
}
