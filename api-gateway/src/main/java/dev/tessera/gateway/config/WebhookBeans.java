package dev.tessera.gateway.config;

import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.gateway.retention.ExpiredRows;
import dev.tessera.gateway.webhooks.DeliveryListing;
import dev.tessera.gateway.webhooks.DeliveryQueue;
import dev.tessera.gateway.webhooks.RetrySchedule;
import dev.tessera.gateway.webhooks.WebhookSecrets;
import dev.tessera.gateway.webhooks.WebhookSender;
import dev.tessera.gateway.webhooks.WebhookTargets;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Wires the webhooks from {@code tessera.webhooks.*}, and runs the sender for the app's lifetime
 * where this replica sends.
 */
@ApplicationScoped
public class WebhookBeans {
  private static final Logger LOG = Logger.getLogger(WebhookBeans.class);

  @Produces
  @Singleton
  WebhookSecrets webhookSecrets(DataSource dataSource) {
    return new WebhookSecrets(dataSource, new SecureRandom());
  }

  @Produces
  @Singleton
  DeliveryListing deliveryListing(DataSource dataSource) {
    return new DeliveryListing(dataSource);
  }

  @Produces
  @Singleton
  WebhookSender webhookSender(
      DataSource dataSource, WebhookSecrets secrets, ResultLinks links, GatewayConfig config) {
    GatewayConfig.Webhooks webhooks = config.webhooks();
    return new WebhookSender(
        new DeliveryQueue(dataSource, secrets, links),
        WebhookTargets.allowingPrivate(webhooks.allowPrivate()),
        new RetrySchedule(webhooks.firstRetry(), webhooks.maxRetry(), webhooks.maxAge()),
        webhooks.concurrency(),
        webhooks.pollInterval(),
        new ExpiredRows(dataSource, ExpiredRows.ENDED_WEBHOOK_DELIVERIES, webhooks.retention()));
  }

  void stopSender(@Disposes WebhookSender sender) {
    sender.close();
  }

  void startSender(@Observes StartupEvent event, WebhookSender sender, GatewayConfig config) {
    if (config.webhooks().enabled()) {
      sender.start();
    } else {
      LOG.info("webhook sender off (tessera.webhooks.enabled=false): other replicas deliver");
    }
  }
}
