package dev.tessera.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.Topics;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.batches.BatchBodyReader;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.batches.BatchRules;
import dev.tessera.gateway.batches.BatchSubmission;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.idempotency.GatewayPresence;
import dev.tessera.gateway.idempotency.IdempotencyKeys;
import dev.tessera.gateway.jdbc.OwnConnections;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.JobListing;
import dev.tessera.gateway.jobs.JobQuery;
import dev.tessera.gateway.jobs.JobSubmission;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.gateway.jobs.SubmissionRules;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.outbox.KafkaClients;
import dev.tessera.gateway.outbox.OutboxRelay;
import dev.tessera.gateway.outbox.RelayWorker;
import dev.tessera.gateway.outbox.TopicProvisioner;
import dev.tessera.gateway.quota.RateLimiter;
import dev.tessera.gateway.retention.ExpiredRows;
import dev.tessera.gateway.retention.ResultRetention;
import dev.tessera.gateway.watch.StatusAnswers;
import dev.tessera.gateway.webhooks.WebhookTargets;
import dev.tessera.gateway.workers.WorkerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Wires the gateway's plain services from its configuration, and runs the outbox relay for the
 * app's lifetime.
 */
@ApplicationScoped
public class GatewayBeans {

  @Produces
  @Singleton
  SubmissionRules submissionRules(GatewayConfig config) {
    // Fail at start-up, not at the first dispatch, when a model name cannot be a topic name.
    config.models().forEach(Topics::jobs);
    // 32-bit seeds, as SD front ends draw them: short to show, and exact in every JSON client.
    return new SubmissionRules(
        config.models(),
        () -> ThreadLocalRandom.current().nextLong(1L << 32),
        WebhookTargets.allowingPrivate(config.webhooks().allowPrivate()));
  }

  @Produces
  @Singleton
  RelayWorker relayWorker(DataSource dataSource, GatewayConfig config) {
    String bootstrap = config.kafka().bootstrap();
    OutboxRelay relay =
        new OutboxRelay(
            dataSource,
            () -> new KafkaProducer<>(KafkaClients.producer(bootstrap)),
            config.relay().batchSize(),
            KafkaClients.ACK_WAIT);
    return new RelayWorker(
        relay,
        new TopicProvisioner(KafkaClients.admin(bootstrap)),
        new ExpiredRows(dataSource, ExpiredRows.SENT_OUTBOX_ROWS, config.outbox().retention()),
        config.relay().idlePoll(),
        config.relay().maxBackoff());
  }

  void stopRelay(@Disposes RelayWorker worker) {
    worker.close();
  }

  void startRelay(@Observes StartupEvent event, RelayWorker worker) {
    worker.start();
  }

  @Produces
  @Singleton
  ResultRetention resultRetention(
      DataSource dataSource, ResultImages images, GatewayConfig config) {
    return new ResultRetention(dataSource, images, config.results().retention());
  }

  void stopResultRetention(@Disposes ResultRetention retention) {
    retention.close();
  }

  void startResultRetention(@Observes StartupEvent event, ResultRetention retention) {
    retention.start();
  }

  @Produces
  @Singleton
  SubmittedJobs submittedJobs(MeterRegistry registry) {
    return new SubmittedJobs(registry);
  }

  @Produces
  @Singleton
  JobSubmission jobSubmission(
      DataSource dataSource, SubmissionRules rules, SubmittedJobs submitted) {
    return new JobSubmission(dataSource, rules, submitted, Clock.systemUTC());
  }

  @Produces
  @Singleton
  JobCancellation jobCancellation(
      DataSource dataSource, RelayWorker worker, StatusAnswers answers) {
    return new JobCancellation(
        dataSource,
        Clock.systemUTC(),
        requested -> {
          worker.wake();
          answers.forget(requested);
        });
  }

  @Produces
  @Singleton
  ResultLinks resultLinks(GatewayConfig config) {
    GatewayConfig.S3 s3 = config.s3();
    return new ResultLinks(
        s3.publicEndpoint().orElse(s3.endpoint()),
        s3.region(),
        s3.accessKey(),
        s3.secretKey(),
        s3.bucket(),
        s3.urlTtl());
  }

  @Produces
  @Singleton
  GatewayPresence gatewayPresence(OwnConnections connections) {
    return new GatewayPresence(() -> connections.open("tessera-gateway-presence", 30));
  }

  void closePresence(@Disposes GatewayPresence presence) {
    presence.close();
  }

  @Produces
  @Singleton
  IdempotencyKeys idempotencyKeys(DataSource dataSource, GatewayPresence presence) {
    return new IdempotencyKeys(dataSource, presence);
  }

  @Produces
  @Singleton
  RateLimiter rateLimiter() {
    return new RateLimiter();
  }

  @Produces
  @Singleton
  TenantStore tenantStore(DataSource dataSource) {
    return new TenantStore(dataSource);
  }

  @Produces
  @Singleton
  JobQuery jobQuery(DataSource dataSource, ResultLinks links) {
    return new JobQuery(dataSource, links);
  }

  @Produces
  @Singleton
  JobListing jobListing(DataSource dataSource, ResultLinks links) {
    return new JobListing(dataSource, links);
  }

  @Produces
  @Singleton
  BatchBodyReader batchBodyReader(ObjectMapper mapper) {
    return new BatchBodyReader(mapper);
  }

  @Produces
  @Singleton
  BatchSubmission batchSubmission(
      DataSource dataSource, SubmissionRules rules, ObjectMapper mapper, SubmittedJobs submitted) {
    return new BatchSubmission(
        dataSource, new BatchRules(rules, mapper), submitted, Clock.systemUTC());
  }

  @Produces
  @Singleton
  WorkerRegistry workerRegistry(DataSource dataSource, GatewayConfig config) {
    return new WorkerRegistry(dataSource, config.workers().lease());
  }

  @Produces
  @Singleton
  BatchQuery batchQuery(DataSource dataSource, ResultLinks links, ObjectMapper mapper) {
    return new BatchQuery(dataSource, links, mapper);
  }
}
