package dev.tessera.render.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.AcknowledgementCommitCallback;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A real share consumer (on a real broker) whose next poll or next commit can be made to fail, as a
 * dropped connection or a broker error would make it fail: the faults the queue loop must recover
 * from, on demand. A failing commit loses the acknowledgements it would have carried, as a request
 * that never reached the broker does: the records stay acquired until the consumer closes or their
 * locks run out.
 */
final class FaultyConsumer<K, V> implements ShareConsumer<K, V> {
  /**
   * Faults to inject, shared by every consumer a test's worker opens (it replaces a faulty one).
   */
  static final class Faults {
    final AtomicInteger failPolls = new AtomicInteger();

    /** Commits to let through before failing the next one, or -1 for none to fail. */
    final AtomicInteger commitsBeforeFailure = new AtomicInteger(-1);
  }

  private final ShareConsumer<K, V> real;
  private final Faults faults;

  FaultyConsumer(ShareConsumer<K, V> real, Faults faults) {
    this.real = real;
    this.faults = faults;
  }

  @Override
  public ConsumerRecords<K, V> poll(Duration timeout) {
    if (faults.failPolls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new KafkaException("injected poll failure");
    }
    return real.poll(timeout);
  }

  @Override
  public Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
    if (faults.commitsBeforeFailure.getAndDecrement() == 0) {
      throw new KafkaException("injected commit failure");
    }
    return real.commitSync(timeout);
  }

  @Override
  public void acknowledge(ConsumerRecord<K, V> record, AcknowledgeType type) {
    if (faults.commitsBeforeFailure.get() != 0) { // else the next commit fails and loses it
      real.acknowledge(record, type);
    }
  }

  @Override
  public Set<String> subscription() {
    return real.subscription();
  }

  @Override
  public void subscribe(Collection<String> topics) {
    real.subscribe(topics);
  }

  @Override
  public void unsubscribe() {
    real.unsubscribe();
  }

  @Override
  public void acknowledge(ConsumerRecord<K, V> record) {
    acknowledge(record, AcknowledgeType.ACCEPT);
  }

  @Override
  public void acknowledge(String topic, int partition, long offset, AcknowledgeType type) {
    real.acknowledge(topic, partition, offset, type);
  }

  @Override
  public Map<TopicIdPartition, Optional<KafkaException>> commitSync() {
    return commitSync(Duration.ofSeconds(30));
  }

  @Override
  public void commitAsync() {
    real.commitAsync();
  }

  @Override
  public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {
    real.setAcknowledgementCommitCallback(callback);
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return real.clientInstanceId(timeout);
  }

  @Override
  public Optional<Integer> acquisitionLockTimeoutMs() {
    return real.acquisitionLockTimeoutMs();
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return real.metrics();
  }

  @Override
  public void registerMetricForSubscription(KafkaMetric metric) {
    real.registerMetricForSubscription(metric);
  }

  @Override
  public void unregisterMetricFromSubscription(KafkaMetric metric) {
    real.unregisterMetricFromSubscription(metric);
  }

  @Override
  public void close() {
    real.close();
  }

  @Override
  public void close(Duration timeout) {
    real.close(timeout);
  }

  @Override
  public void wakeup() {
    real.wakeup();
  }
}
