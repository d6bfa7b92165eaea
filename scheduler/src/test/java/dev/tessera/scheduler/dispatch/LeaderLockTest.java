package dev.tessera.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.QueueSignal;
import dev.tessera.scheduler.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two schedulers' locks on one real PostgreSQL: one leads at a time, and the other takes over as
 * soon as the leader's session ends, whether it closed or was killed.
 */
class LeaderLockTest {
  private final TestDatabase db = TestDatabase.get();

  private LeaderLock lock() {
    return new LeaderLock(db.dataSource::getConnection);
  }

  @Test
  void oneLeadsAtATimeAndTheOtherTakesOverWhenItCloses() {
    try (LeaderLock first = lock();
        LeaderLock second = lock()) {
      assertTrue(first.tryLead());
      assertFalse(second.tryLead());
      assertFalse(second.leading());
      first.close();
      assertTrue(second.tryLead(), "the lock went with the leader's session");
      assertFalse(first.tryLead());
    }
  }

  @Test
  void aLeaderWhoseSessionIsKilledNoticesAndTheStandbyTakesOver() throws Exception {
    try (LeaderLock first = lock();
        LeaderLock second = lock()) {
      assertTrue(first.tryLead());
      try (Connection c = db.dataSource.getConnection();
          PreparedStatement kill =
              c.prepareStatement(
                  "SELECT pg_terminate_backend(pid) FROM pg_locks"
                      + " WHERE locktype = 'advisory' AND granted"
                      + " AND ((classid::bigint << 32) | objid::bigint) = ?")) {
        kill.setLong(1, LeaderLock.KEY);
        kill.execute();
      }
      assertFalse(first.awaitSignal(Duration.ofMillis(200)), "the leader sees its session gone");
      assertFalse(first.leading());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!second.tryLead() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(second.leading());
    }
  }

  @Test
  void aQueueSignalWakesTheLeaderAtOnce() throws Exception {
    try (LeaderLock leader = lock()) {
      assertTrue(leader.tryLead());
      try (Connection c = db.dataSource.getConnection()) {
        QueueSignal.send(c, "sd21");
      }
      long t0 = System.nanoTime();
      assertTrue(leader.awaitSignal(Duration.ofSeconds(20)));
      assertTrue(
          System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(),
          "woken by the signal, not by the 20 s timeout");
    }
  }
}
