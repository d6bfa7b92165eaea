package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.pipeline.CancelToken;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A cancel reaches the render of its job whichever comes first, and no other render. */
class CancelledJobsTest {
  private final CancelledJobs cancelled = new CancelledJobs(3);

  @Test
  void aCancelStopsTheRenderUnderWayOfThatJobOnly() {
    UUID job = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    CancelToken token = new CancelToken();
    CancelToken otherToken = new CancelToken();
    try (CancelledJobs.Tracked a = cancelled.track(job, token);
        CancelledJobs.Tracked b = cancelled.track(other, otherToken)) {
      assertFalse(token.isCancelled());
      cancelled.add(job);
      assertTrue(token.isCancelled());
      assertFalse(otherToken.isCancelled());
    }
  }

  @Test
  void aRenderOfAJobAlreadyCancelledIsCancelledAtOnce() {
    UUID job = UUID.randomUUID();
    cancelled.add(job);
    CancelToken token = new CancelToken();
    try (CancelledJobs.Tracked tracked = cancelled.track(job, token)) {
      assertTrue(token.isCancelled());
    }
  }

  @Test
  void aRenderThatEndedIsNoLongerReached() {
    UUID job = UUID.randomUUID();
    CancelToken first = new CancelToken();
    CancelToken redelivery = new CancelToken();
    CancelledJobs.Tracked stale = cancelled.track(job, first);
    try (CancelledJobs.Tracked current = cancelled.track(job, redelivery)) {
      stale.close(); // an older render of the same job ending must not untie the newer one
      cancelled.add(job);
      assertTrue(redelivery.isCancelled());
    }
    CancelToken ended = new CancelToken();
    UUID done = UUID.randomUUID();
    cancelled.track(done, ended).close();
    cancelled.add(done);
    assertFalse(ended.isCancelled());
  }

  @Test
  void theOldestIdsAreForgottenPastTheCapacity() {
    UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    for (UUID id : ids) {
      cancelled.add(id);
    }
    cancelled.add(ids[3]); // a duplicate takes no room
    assertEquals(3, cancelled.size());
    assertFalse(cancelled.contains(ids[0]));
    assertTrue(cancelled.contains(ids[1]));
    assertTrue(cancelled.contains(ids[3]));
  }
}
