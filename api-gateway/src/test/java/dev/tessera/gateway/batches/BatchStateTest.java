package dev.tessera.gateway.batches;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.gateway.api.BatchView.RequestCounts;
import org.junit.jupiter.api.Test;

class BatchStateTest {
  @Test
  void inProgressWhileAnyJobIsQueuedDispatchedOrRunning() {
    assertEquals(BatchState.IN_PROGRESS, BatchState.of(RequestCounts.allQueued(3)));
    assertEquals(BatchState.IN_PROGRESS, BatchState.of(new RequestCounts(0, 1, 0, 5, 1, 2, 9)));
    assertEquals(BatchState.IN_PROGRESS, BatchState.of(new RequestCounts(0, 0, 1, 5, 1, 2, 9)));
    assertEquals(BatchState.IN_PROGRESS, BatchState.of(new RequestCounts(1, 0, 0, 0, 0, 8, 9)));
  }

  @Test
  void completedWhenEveryJobEndedNoneCanceled() {
    assertEquals(BatchState.COMPLETED, BatchState.of(new RequestCounts(0, 0, 0, 7, 2, 0, 9)));
    assertEquals(BatchState.COMPLETED, BatchState.of(new RequestCounts(0, 0, 0, 0, 9, 0, 9)));
  }

  @Test
  void cancelledWhenEveryJobEndedSomeCanceled() {
    assertEquals(BatchState.CANCELLED, BatchState.of(new RequestCounts(0, 0, 0, 7, 1, 1, 9)));
    assertEquals(BatchState.CANCELLED, BatchState.of(new RequestCounts(0, 0, 0, 0, 0, 9, 9)));
  }

  @Test
  void wireNames() {
    assertEquals("in_progress", BatchState.IN_PROGRESS.wireName());
    assertEquals("completed", BatchState.COMPLETED.wireName());
    assertEquals("cancelled", BatchState.CANCELLED.wireName());
  }
}
