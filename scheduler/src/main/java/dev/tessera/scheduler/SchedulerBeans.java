package dev.tessera.scheduler;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Wires the plain services to Quarkus: the repository (telling its transitions to the metrics) and
 * the worker registry over the Agroal data source, and the appliers of events and cancel requests
 * over them.
 */
public class SchedulerBeans {
  @Produces
  @Singleton
  JobRepository jobRepository(DataSource dataSource, TransitionListener listener) {
    return new JobRepository(dataSource, listener);
  }

  @Produces
  @Singleton
  WorkerRegistry workerRegistry(DataSource dataSource) {
    return new WorkerRegistry(dataSource);
  }

  @Produces
  @Singleton
  RetryRule retryRule(SchedulerSettings settings) {
    return new RetryRule(settings.lease().maxAttempts());
  }

  @Produces
  @Singleton
  EventApplier eventApplier(JobRepository jobs, RetryRule retries) {
    return new EventApplier(jobs, retries);
  }

  @Produces
  @Singleton
  CancelRequestApplier cancelRequestApplier(JobRepository jobs) {
    return new CancelRequestApplier(jobs);
  }
}
