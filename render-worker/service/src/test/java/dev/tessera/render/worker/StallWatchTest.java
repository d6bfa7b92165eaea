package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.worker.RenderWorker.State;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StallWatchTest {
  private static final long MINUTE = Duration.ofMinutes(1).toNanos();
  private final AtomicInteger asked = new AtomicInteger();

  private static RenderWorker.Status in(State state, long since) {
    return new RenderWorker.Status(state, since, 0, 0, 0, 0);
  }

  private StallWatch watch(long waiting) {
    return new StallWatch(
        Duration.ofMinutes(2),
        () -> {
          asked.incrementAndGet();
          return waiting;
        });
  }

  @Test
  void idleBesideABacklogIsAStallOnceTheTimeoutHasPassed() {
    StallWatch watch = watch(3);
    assertEquals(Optional.empty(), watch.check(in(State.POLLING, 0), MINUTE));
    assertEquals(
        0, asked.get(), "the backlog is only read once the worker has been idle long enough");
    Optional<String> stalled = watch.check(in(State.POLLING, 0), 2 * MINUTE);
    assertTrue(
        stalled.orElseThrow().contains("idle for 120 s while 3 job(s) wait"), stalled.toString());
  }

  @Test
  void idleBesideAnEmptyQueueIsNoStall() {
    assertEquals(Optional.empty(), watch(0).check(in(State.POLLING, 0), 10 * MINUTE));
    assertEquals(1, asked.get());
  }

  @Test
  void anUnreadableBacklogIsNoStall() {
    StallWatch watch =
        new StallWatch(
            Duration.ofMinutes(2),
            () -> {
              throw new IOException("broker down");
            });
    assertEquals(Optional.empty(), watch.check(in(State.POLLING, 0), 10 * MINUTE));
  }

  @Test
  void aLongRenderIsNoStall() {
    assertEquals(Optional.empty(), watch(5).check(in(State.RENDERING, 0), 60 * MINUTE));
  }

  @Test
  void aStepThatShouldTakeSecondsIsAStallAfterTheTimeout() {
    for (State state : new State[] {State.ACCEPTING, State.RECONNECTING}) {
      assertEquals(Optional.empty(), watch(0).check(in(state, MINUTE), 2 * MINUTE), state.name());
      Optional<String> stalled = watch(0).check(in(state, MINUTE), 3 * MINUTE);
      assertTrue(
          stalled.orElseThrow().contains(state.name().toLowerCase() + " for 120 s"),
          stalled.toString());
    }
  }

  @Test
  void theTimeoutMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new StallWatch(Duration.ZERO, () -> 0));
  }
}
