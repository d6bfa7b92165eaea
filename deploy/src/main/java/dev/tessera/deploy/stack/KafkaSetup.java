package dev.tessera.deploy.stack;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Admin-client helpers for a Kafka cluster given by its bootstrap servers: topic creation, share-group settings, and
 * the readiness check of {@link KafkaService}. Each call opens and closes its own {@link Admin}.
 */
public final class KafkaSetup {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private KafkaSetup() {}

  /** A new Admin client for {@code bootstrapServers}; the caller closes it. */
  public static Admin admin(String bootstrapServers) {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000",
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500"));
  }

  /** Creates {@code topic} with {@code partitions} partitions at replication factor 1; does nothing if it exists. */
  public static void createTopic(String bootstrapServers, String topic, int partitions) throws IOException {
    try (Admin admin = admin(bootstrapServers)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IOException("cannot create topic " + topic + " on " + bootstrapServers + ": " + e.getCause(), e);
      }
    } catch (TimeoutException | InterruptedException e) {
      throw failed("create topic " + topic, bootstrapServers, e);
    }
  }

  /**
   * Sets the share group's {@code share.auto.offset.reset} to {@code earliest}, so the group also delivers records
   * written before its first consumer joined (the default, {@code latest}, silently skips them: jobs enqueued before
   * the first worker started would be lost). Works before the group exists.
   */
  public static void readShareGroupFromEarliest(String bootstrapServers, String groupId) throws IOException {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
        AlterConfigOp.OpType.SET);
    try (Admin admin = admin(bootstrapServers)) {
      admin.incrementalAlterConfigs(Map.of(group, List.of(earliest))).all()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failed("set share.auto.offset.reset=earliest on share group " + groupId, bootstrapServers, e);
    }
  }

  /**
   * Waits until the broker answers {@code describeCluster} and has share groups enabled; fails early with the
   * broker's log when its process exits, or after {@code timeout}.
   */
  static void awaitReady(String bootstrapServers, ServerProcess broker, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = admin(bootstrapServers)) {
      while (System.nanoTime() < deadline) {
        broker.checkAlive();
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          checkShareGroupsEnabled(admin, broker);
          return;
        } catch (ExecutionException | TimeoutException e) {
          last = e;
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the Kafka broker at " + bootstrapServers, e);
    }
    throw new IOException("the Kafka broker at " + bootstrapServers + " did not answer within " + timeout
        + " (last error: " + last + "); its log:\n" + broker.logTail(), last);
  }

  private static void checkShareGroupsEnabled(Admin admin, ServerProcess broker)
      throws ExecutionException, TimeoutException, InterruptedException, IOException {
    FinalizedVersionRange share = admin.describeFeatures().featureMetadata().get(5, TimeUnit.SECONDS)
        .finalizedFeatures().get("share.version");
    if (share == null || share.maxVersionLevel() < 1) {
      throw new IOException("the Kafka broker runs without share groups (finalized share.version: " + share
          + "); its log directory was formatted by an older Kafka: delete the data directory or run "
          + "kafka-features.sh upgrade --feature share.version=1. Broker log:\n" + broker.logTail());
    }
  }

  private static IOException failed(String what, String bootstrapServers, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    return new IOException("cannot " + what + " on Kafka at " + bootstrapServers + ": " + cause, cause);
  }
}
