package dev.tessera.gateway.outbox;

import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics the gateway publishes to when they do not exist yet (brokers may refuse to
 * create topics on first use): the job topics with {@link Topics#JOB_PARTITIONS} partitions (so
 * every worker serves every job), and {@link Topics#CONTROL} as {@link KafkaAdmin#controlTopic()}
 * defines it, at the broker's default replication factor. Creates only what is missing, so it also
 * works where topic creation is not allowed but the topics were made by an operator. Thread-safe.
 */
public final class TopicProvisioner {
  private final Map<String, Object> adminConfig;
  private final Map<String, NewTopic> topics = new TreeMap<>();

  /**
   * @param jobTopics the job topics; {@link Topics#CONTROL} is always added
   */
  public TopicProvisioner(Map<String, Object> adminConfig, Set<String> jobTopics) {
    this.adminConfig = Map.copyOf(adminConfig);
    for (String topic : jobTopics) {
      topics.put(topic, new NewTopic(topic, Optional.of(Topics.JOB_PARTITIONS), Optional.empty()));
    }
    NewTopic control = KafkaAdmin.controlTopic();
    topics.put(control.name(), control);
  }

  /**
   * Makes sure every topic exists.
   *
   * @return the topics this call created, sorted; empty when all existed
   * @throws ExecutionException when the broker cannot be reached or refuses; the cause says why
   */
  public Set<String> ensureTopics() throws ExecutionException, InterruptedException {
    // A short-lived client: a long-lived one would keep reconnecting (and logging) while the broker
    // is down.
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> missing = new TreeSet<>(topics.keySet());
      missing.removeAll(admin.listTopics().names().get());
      if (missing.isEmpty()) {
        return missing;
      }
      var results = admin.createTopics(missing.stream().map(topics::get).toList()).values();
      Set<String> created = new TreeSet<>();
      for (var result : results.entrySet()) {
        try {
          result.getValue().get();
          created.add(result.getKey());
        } catch (ExecutionException e) {
          // Another gateway replica created it in the meantime: just as good.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return created;
    }
  }
}
