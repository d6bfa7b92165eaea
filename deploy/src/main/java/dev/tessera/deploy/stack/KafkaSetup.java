package dev.tessera.deploy.stack;

import dev.tessera.common.kafka.KafkaAdmin;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;

/**
 * The readiness check of a {@link Broker}, wherever it runs. Topic creation and share-group
 * settings, which the services need too, are in {@link KafkaAdmin}.
 */
public final class KafkaSetup {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private KafkaSetup() {}

  /**
   * Waits until the broker answers {@code describeCluster} and has share groups enabled; fails
   * early with the broker's log when it exits, or after {@code timeout}.
   */
  public static void awaitReady(String bootstrapServers, WatchedServer broker, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    Admin admin = KafkaAdmin.admin(bootstrapServers);
    try {
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
      throw new IOException(
          "interrupted while waiting for the Kafka broker at " + bootstrapServers, e);
    } finally {
      // A bounded close: a plain close() waits for the pending call, which against a port taken by
      // a socket that accepts and never answers hung for over ten minutes.
      admin.close(CLOSE_TIMEOUT);
    }
    throw new IOException(
        "the Kafka broker at "
            + bootstrapServers
            + " did not answer within "
            + timeout
            + " (last error: "
            + last
            + "); its log:\n"
            + broker.logTail(),
        last);
  }

  private static void checkShareGroupsEnabled(Admin admin, WatchedServer broker)
      throws ExecutionException, TimeoutException, InterruptedException, IOException {
    FinalizedVersionRange share =
        admin
            .describeFeatures()
            .featureMetadata()
            .get(5, TimeUnit.SECONDS)
            .finalizedFeatures()
            .get("share.version");
    if (share == null || share.maxVersionLevel() < 1) {
      throw new IOException(
          "the Kafka broker runs without share groups (finalized share.version: "
              + share
              + "); its log directory was formatted by an older Kafka: delete the data directory or run "
              + "kafka-features.sh upgrade --feature share.version=1. Broker log:\n"
              + broker.logTail());
    }
  }
}
