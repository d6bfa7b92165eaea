package dev.tessera.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offsets are committed only for records the appliers are done with; the rest come again. Each
 * topic's records go to the applier of their kind.
 */
class EventPollerTest {
  private static final TopicPartition P0 = new TopicPartition(Topics.EVENTS, 0);
  private static final TopicPartition P1 = new TopicPartition(Topics.EVENTS, 1);
  private static final TopicPartition CONTROL = new TopicPartition(Topics.CONTROL, 0);
  private static final TopicPartition WORKERS = new TopicPartition(Topics.WORKERS, 0);
  private static final Duration POLL = Duration.ofMillis(10);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final List<JobEvent> applied = new ArrayList<>();
  private final List<ControlMessage> requests = new ArrayList<>();
  private final List<WorkerHeartbeat> heartbeats = new ArrayList<>();

  @BeforeEach
  void assignPartitions() {
    consumer.assign(List.of(P0, P1, CONTROL, WORKERS));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L, CONTROL, 0L, WORKERS, 0L));
  }

  private static JobEvent started(int attempt) {
    return new JobEvent.Started(
        UUID.randomUUID(), "gpu-a", attempt, Instant.parse("2026-03-01T12:00:00Z"));
  }

  private void send(TopicPartition tp, long offset, byte[] value) {
    consumer.addRecord(
        new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[0], value));
  }

  private EventPoller poller(Function<JobEvent, EventApplier.Outcome> outcome) {
    return new EventPoller(
        consumer,
        e -> {
          applied.add(e);
          return outcome.apply(e);
        },
        r -> {
          requests.add(r);
          return EventApplier.Outcome.APPLIED;
        },
        h -> {
          heartbeats.add(h);
          return EventApplier.Outcome.APPLIED;
        });
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata offset = consumer.committed(Set.of(tp)).get(tp);
    return offset == null ? -1 : offset.offset();
  }

  @Test
  void appliesInOrderAndCommitsAfterTheLastRecord() {
    List<JobEvent> events = List.of(started(1), started(2), started(3));
    for (int i = 0; i < events.size(); i++) {
      send(P0, i, Json.encode(events.get(i)));
    }
    assertTrue(poller(e -> EventApplier.Outcome.APPLIED).pollOnce(POLL));
    assertEquals(events, applied);
    assertEquals(3, committed(P0));
  }

  @Test
  void controlRecordsGoToTheCancelApplier() {
    JobEvent started = started(1);
    ControlMessage cancel =
        new ControlMessage.Cancel(started.jobId(), Instant.parse("2026-03-01T12:00:01Z"));
    send(P0, 0, Json.encode(started));
    send(CONTROL, 0, Json.encode(cancel));
    send(CONTROL, 1, "{\"type\":\"drain\"}".getBytes(StandardCharsets.UTF_8));
    assertTrue(poller(e -> EventApplier.Outcome.APPLIED).pollOnce(POLL));
    assertEquals(List.of(started), applied);
    assertEquals(List.of(cancel), requests);
    assertEquals(2, committed(CONTROL), "an unknown kind of request is skipped");
  }

  @Test
  void heartbeatsGoToTheRegistry() {
    WorkerHeartbeat beat =
        new WorkerHeartbeat(
            "gpu-a",
            List.of("sd21"),
            WorkerHeartbeat.Activity.IDLE,
            null,
            Instant.parse("2026-03-01T12:00:02Z"));
    send(WORKERS, 0, Json.encode(beat));
    assertTrue(poller(e -> EventApplier.Outcome.APPLIED).pollOnce(POLL));
    assertEquals(List.of(beat), heartbeats);
    assertEquals(List.of(), applied);
    assertEquals(1, committed(WORKERS));
  }

  @Test
  void unreadableRecordsAreSkippedAndCommitted() {
    JobEvent good = started(1);
    send(P0, 0, "{not json".getBytes(StandardCharsets.UTF_8));
    send(P0, 1, Json.encode(good));
    assertTrue(poller(e -> EventApplier.Outcome.IGNORED).pollOnce(POLL));
    assertEquals(List.of(good), applied);
    assertEquals(2, committed(P0));
  }

  @Test
  void aRecordThatCannotBeAppliedNowRewindsOnlyItsPartition() {
    JobEvent first = started(1);
    JobEvent conflicting = started(2);
    JobEvent failing = started(3);
    send(P0, 0, Json.encode(first));
    send(P0, 1, Json.encode(conflicting));
    send(P0, 2, Json.encode(started(4)));
    send(P1, 0, Json.encode(failing));
    EventPoller poller =
        poller(
            e -> {
              if (e.equals(failing)) {
                throw new JobRepository.StoreException(
                    "down", new SQLException("connection refused"));
              }
              return e.attempt() == 2
                  ? EventApplier.Outcome.CONFLICT
                  : EventApplier.Outcome.APPLIED;
            });
    assertFalse(poller.pollOnce(POLL));

    assertEquals(1, committed(P0), "the record before the conflict");
    assertEquals(1, consumer.position(P0), "rewound to the conflicting record");
    assertEquals(-1, committed(P1));
    assertEquals(0, consumer.position(P1));
    assertEquals(
        Set.of(first, conflicting, failing),
        Set.copyOf(applied),
        "nothing after a record that stalled in its partition");
  }
}
