package dev.tessera.scheduler;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Wires the plain services to Quarkus: the repository over the Agroal data source, and the appliers
 * of events and cancel requests over it.
 */
public class SchedulerBeans {
  @Produces
  @Singleton
  JobRepository jobRepository(DataSource dataSource) {
    return new JobRepository(dataSource);
  }

  @Produces
  @Singleton
  EventApplier eventApplier(JobRepository jobs) {
    return new EventApplier(jobs);
  }

  @Produces
  @Singleton
  CancelRequestApplier cancelRequestApplier(JobRepository jobs) {
    return new CancelRequestApplier(jobs);
  }
}
