package dev.tessera.common.kafka;

import dev.tessera.common.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka set-up every service does at start-up and the local stack does for tests: creating the
 * topics it uses and configuring the workers' share group. Each call opens and closes its own
 * {@link Admin}; all are idempotent.
 */
public final class KafkaAdmin {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private KafkaAdmin() {}

  /** A new Admin client for {@code bootstrapServers} with short timeouts; the caller closes it. */
  public static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000",
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500"));
  }

  /**
   * Creates each topic with {@code partitions} partitions at the cluster's default replication;
   * topics that exist are left as they are.
   */
  public static void createTopics(
      String bootstrapServers, Collection<String> topics, int partitions) throws IOException {
    create(
        bootstrapServers,
        topics.stream()
            .map(
                t -> new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()))
            .toList());
  }

  private static void create(String bootstrapServers, Collection<NewTopic> topics)
      throws IOException {
    try (Admin admin = admin(bootstrapServers)) {
      var results = admin.createTopics(topics).values();
      for (var entry : results.entrySet()) {
        try {
          entry.getValue().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IOException(
                "cannot create topic "
                    + entry.getKey()
                    + " on "
                    + bootstrapServers
                    + ": "
                    + e.getCause().getMessage(),
                e);
          }
        }
      }
    } catch (TimeoutException | InterruptedException e) {
      throw failed(
          "create topics " + topics.stream().map(NewTopic::name).toList(), bootstrapServers, e);
    }
  }

  /**
   * {@link Topics#CONTROL} as every service creates it: {@link Topics#CONTROL_PARTITIONS}
   * partitions, compacted by job id and deleted after {@link Topics#CONTROL_RETENTION} (segments
   * roll daily, so both take effect within a day).
   */
  public static NewTopic controlTopic() {
    return compactedAndDeleted(
        Topics.CONTROL, Topics.CONTROL_PARTITIONS, Topics.CONTROL_RETENTION, Duration.ofDays(1));
  }

  /** A topic that keeps the latest record of each key, and none older than {@code retention}. */
  private static NewTopic compactedAndDeleted(
      String name, int partitions, Duration retention, Duration segment) {
    return new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty())
        .configs(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(retention.toMillis()),
                TopicConfig.SEGMENT_MS_CONFIG,
                Long.toString(segment.toMillis())));
  }

  /**
   * Creates {@link #controlTopic()} unless it exists (an existing one is left as it is). Every
   * service that reads or writes it calls this first, since brokers may refuse to create topics on
   * first use, and one created that way would lack its settings.
   */
  public static void createControlTopic(String bootstrapServers) throws IOException {
    create(bootstrapServers, List.of(controlTopic()));
  }

  /**
   * {@link Topics#WORKERS} as every service creates it: one partition, compacted by worker id and
   * deleted after {@link Topics#WORKERS_RETENTION}.
   */
  public static NewTopic workersTopic() {
    return compactedAndDeleted(
        Topics.WORKERS, 1, Topics.WORKERS_RETENTION, Topics.WORKERS_RETENTION);
  }

  /** Creates {@link #controlTopic()} and {@link #workersTopic()} unless they exist. */
  public static void createSharedTopics(String bootstrapServers) throws IOException {
    create(bootstrapServers, List.of(controlTopic(), workersTopic()));
  }

  /** The partition count of each topic. */
  public static Map<String, Integer> partitions(String bootstrapServers, Collection<String> topics)
      throws IOException {
    try (Admin admin = admin(bootstrapServers)) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((name, description) -> counts.put(name, description.partitions().size()));
      return counts;
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failed("describe topics " + topics, bootstrapServers, e);
    }
  }

  /**
   * Sets the share group's {@code share.auto.offset.reset} to {@code earliest}, so the group also
   * delivers records written before its first consumer joined (the default, {@code latest},
   * silently skips them: jobs enqueued before the first worker started would be lost). Works before
   * the group exists.
   */
  public static void readShareGroupFromEarliest(String bootstrapServers, String groupId)
      throws IOException {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    AlterConfigOp earliest =
        new AlterConfigOp(
            new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
    try (Admin admin = admin(bootstrapServers)) {
      admin
          .incrementalAlterConfigs(Map.of(group, List.of(earliest)))
          .all()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failed(
          "set share.auto.offset.reset=earliest on share group " + groupId, bootstrapServers, e);
    }
  }

  /**
   * Sets how long the share group's consumers hold a record before it is delivered again ({@code
   * share.record.lock.duration.ms}); the broker bounds it by its {@code group.share.min/max...}
   * settings.
   */
  public static void setRecordLock(String bootstrapServers, String groupId, Duration lock)
      throws IOException {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    AlterConfigOp set =
        new AlterConfigOp(
            new ConfigEntry("share.record.lock.duration.ms", Long.toString(lock.toMillis())),
            AlterConfigOp.OpType.SET);
    try (Admin admin = admin(bootstrapServers)) {
      admin
          .incrementalAlterConfigs(Map.of(group, List.of(set)))
          .all()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failed(
          "set the record lock of share group " + groupId + " to " + lock, bootstrapServers, e);
    }
  }

  private static IOException failed(String what, String bootstrapServers, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    return new IOException("cannot " + what + " on " + bootstrapServers + ": " + cause, cause);
  }
}
