package dev.tessera.gateway.outbox;

import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the one topic the gateway publishes to, {@link Topics#CONTROL}, as {@link
 * KafkaAdmin#controlTopic()} defines it, when it does not exist yet (brokers may refuse to create
 * topics on first use, and one created that way would lack its settings). The job topics are the
 * scheduler's, which dispatches to them. Creates only what is missing, so it also works where topic
 * creation is not allowed but an operator made the topic. Thread-safe.
 */
public final class TopicProvisioner {
  private final Map<String, Object> adminConfig;

  public TopicProvisioner(Map<String, Object> adminConfig) {
    this.adminConfig = Map.copyOf(adminConfig);
  }

  /**
   * Makes sure the topic exists.
   *
   * @return the topics this call created: empty when it existed
   * @throws ExecutionException when the broker cannot be reached or refuses; the cause says why
   */
  public Set<String> ensureTopics() throws ExecutionException, InterruptedException {
    NewTopic control = KafkaAdmin.controlTopic();
    // A short-lived client: a long-lived one would keep reconnecting (and logging) while the broker
    // is down.
    try (Admin admin = Admin.create(adminConfig)) {
      if (admin.listTopics().names().get().contains(control.name())) {
        return Set.of();
      }
      try {
        admin.createTopics(Set.of(control)).all().get();
        return Set.of(control.name());
      } catch (ExecutionException e) {
        // Another gateway replica created it in the meantime: just as good.
        if (e.getCause() instanceof TopicExistsException) {
          return Set.of();
        }
        throw e;
      }
    }
  }
}
