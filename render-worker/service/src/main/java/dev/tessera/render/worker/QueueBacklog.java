package dev.tessera.render.worker;

import dev.tessera.common.kafka.KafkaAdmin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * How many jobs wait on a worker's queues that no worker holds, as the broker sees them: the share
 * group's lag over those topics (records neither acknowledged nor archived; a worker accepts a job
 * before it renders it, so rendering jobs are not among them) less one for every other member of
 * the group, since each may be taking one at this instant. It tells an idle worker beside a backlog
 * from an idle worker beside an empty queue; it is not exact (a member serving other models counts
 * too, so it errs low).
 *
 * <p>Lifetime: owns an {@link Admin} client until {@link #close()} (safe twice). Thread-safe.
 */
public final class QueueBacklog implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Admin admin;
  private final String group;
  private final Set<String> topics;
  private volatile boolean closed;

  public QueueBacklog(String bootstrapServers, String group, Set<String> topics) {
    this.admin = KafkaAdmin.admin(bootstrapServers);
    this.group = group;
    this.topics = Set.copyOf(topics);
  }

  /**
   * Jobs on this worker's topics that wait for a worker, as seen by a member of the group that
   * holds none.
   *
   * @throws IOException when the broker does not answer within a few seconds
   */
  public long waiting() throws IOException {
    if (closed) {
      throw new IllegalStateException("queue backlog probe is closed");
    }
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicDescription topic : get(admin.describeTopics(topics).allTopicNames()).values()) {
        topic
            .partitions()
            .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
      }
      Map<TopicPartition, SharePartitionOffsetInfo> offsets =
          get(
              admin
                  .listShareGroupOffsets(
                      Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
                  .partitionsToOffsetInfo(group));
      long lag = 0;
      List<TopicPartition> unstarted = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        SharePartitionOffsetInfo info = offsets.get(partition);
        if (info == null || info.lag().isEmpty()) {
          unstarted.add(partition);
        } else {
          lag += info.lag().get();
        }
      }
      lag += recordsIn(unstarted);
      int members =
          get(admin.describeShareGroups(List.of(group)).describedGroups().get(group))
              .members()
              .size();
      return Math.max(0, lag - Math.max(0, members - 1));
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IOException(
          "cannot read the backlog of share group " + group + ": " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the backlog of share group " + group, e);
    }
  }

  /**
   * The records in partitions the group has no saved state for yet (nothing acknowledged there so
   * far): all of them, as the workers' group reads from the earliest offset.
   */
  private long recordsIn(List<TopicPartition> partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (partitions.isEmpty()) {
      return 0;
    }
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(
        p -> {
          earliest.put(p, OffsetSpec.earliest());
          latest.put(p, OffsetSpec.latest());
        });
    var starts = get(admin.listOffsets(earliest).all());
    var ends = get(admin.listOffsets(latest).all());
    return partitions.stream().mapToLong(p -> ends.get(p).offset() - starts.get(p).offset()).sum();
  }

  private static <T> T get(KafkaFuture<T> future)
      throws ExecutionException, TimeoutException, InterruptedException {
    return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      admin.close(TIMEOUT);
    }
  }
}
