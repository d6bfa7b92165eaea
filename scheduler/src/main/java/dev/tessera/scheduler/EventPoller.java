package dev.tessera.scheduler;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.CrashPoint;
import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RequestIds;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One poll of {@code render.events}, {@code render.control} and {@code render.workers}: decode each
 * record as its topic says (a worker's {@link JobEvent}, an owner's {@link ControlMessage}, a
 * {@link WorkerHeartbeat}), apply it, and commit the offsets of what was applied, after the
 * database committed it. At least once: a crash before the commit replays records that the
 * idempotent applier then finds applied. Plain Java over any Kafka {@link Consumer}; the caller
 * owns the consumer and its thread.
 */
public final class EventPoller {
  private static final System.Logger LOG = System.getLogger(EventPoller.class.getName());

  private final Consumer<byte[], byte[]> consumer;
  private final Function<JobEvent, EventApplier.Outcome> events;
  private final Function<ControlMessage, EventApplier.Outcome> control;
  private final Function<WorkerHeartbeat, EventApplier.Outcome> heartbeats;

  /**
   * {@code events} is normally {@link EventApplier#apply}, {@code control} {@link
   * CancelRequestApplier#apply}, {@code heartbeats} a {@link WorkerRegistry#record}; each must
   * commit its writes before it returns.
   */
  public EventPoller(
      Consumer<byte[], byte[]> consumer,
      Function<JobEvent, EventApplier.Outcome> events,
      Function<ControlMessage, EventApplier.Outcome> control,
      Function<WorkerHeartbeat, EventApplier.Outcome> heartbeats) {
    this.consumer = consumer;
    this.events = events;
    this.control = control;
    this.heartbeats = heartbeats;
  }

  /**
   * Polls once and handles what came.
   *
   * @return false when a record could not be applied now (database down, lost races): its partition
   *     was rewound to it, and the caller should back off before polling again
   */
  public boolean pollOnce(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    boolean complete = true;
    // Half way through this poll's job events, none of their offsets committed, is where a crash
    // test halts a scheduler (CrashPoint.SCHEDULER_MID_BATCH; nothing happens unless armed).
    int events = 0;
    for (ConsumerRecord<byte[], byte[]> record : records.records(Topics.EVENTS)) {
      events++;
    }
    int eventsApplied = 0;
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (!handle(record)) {
          consumer.seek(partition, record.offset());
          complete = false;
          break;
        }
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        if (record.topic().equals(Topics.EVENTS) && ++eventsApplied == events / 2) {
          CrashPoint.SCHEDULER_MID_BATCH.reached(
              eventsApplied + " of " + events + " events of this poll applied, none committed");
        }
      }
    }
    if (!done.isEmpty()) {
      consumer.commitSync(done);
    }
    return complete;
  }

  /**
   * Whether the record is done with: applied, found stale, or unreadable (which no retry would
   * fix).
   */
  private boolean handle(ConsumerRecord<byte[], byte[]> record) {
    return switch (record.topic()) {
      case Topics.CONTROL -> handle(record, ControlMessage.class, control);
      case Topics.WORKERS -> handle(record, WorkerHeartbeat.class, heartbeats);
      default -> handle(record, JobEvent.class, events);
    };
  }

  private <T> boolean handle(
      ConsumerRecord<byte[], byte[]> record,
      Class<T> type,
      Function<T, EventApplier.Outcome> applier) {
    T message;
    try {
      message = Json.decode(record.value(), type);
    } catch (Json.MalformedException e) {
      LOG.log(
          Level.ERROR,
          "skipping {0}-{1} offset {2}: {3}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return true;
    }
    try (RequestLogContext ignored = RequestLogContext.of(RequestIds.from(record.headers()))) {
      return applier.apply(message) != EventApplier.Outcome.CONFLICT;
    } catch (JobRepository.StoreException e) {
      LOG.log(Level.WARNING, "cannot apply " + message + " now, will retry", e);
      return false;
    }
  }
}
