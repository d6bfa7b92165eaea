package dev.tessera.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What each transition keeps of a job's fields and what it clears. */
class JobFieldsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:01:00Z");
  private static final JobFields RUNNING_WITH_PROGRESS =
      new JobFields(1, "gpu-a", 10, 25, "an earlier failure", null, T0, null);

  @Test
  void aStartKeepsTheEarlierErrorAndClearsTheRest() {
    assertEquals(
        new JobFields(2, "gpu-b", null, null, "an earlier failure", null, T1, null),
        RUNNING_WITH_PROGRESS.started(2, "gpu-b", T1));
  }

  @Test
  void aLostStartHasNoStartTime() {
    assertEquals(
        new JobFields(3, "gpu-b", null, null, "an earlier failure", null, null, null),
        RUNNING_WITH_PROGRESS.startLost(3, "gpu-b"));
  }

  @Test
  void aRequeueKeepsOnlyTheAttemptAndTheReason() {
    assertEquals(
        new JobFields(1, null, null, null, "CUDA out of memory", null, null, null),
        RUNNING_WITH_PROGRESS.requeued(1, "CUDA out of memory"));
  }

  @Test
  void successKeepsProgressAndStartAndClearsTheError() {
    assertEquals(
        new JobFields(1, "gpu-a", 10, 25, null, "results/x.png", T0, T1),
        RUNNING_WITH_PROGRESS.succeeded(1, "gpu-a", "results/x.png", T1));
  }

  @Test
  void aCancelKeepsWhatTheJobHadAndRecordsWhenItEnded() {
    assertEquals(
        new JobFields(1, "gpu-a", 10, 25, "an earlier failure", null, T0, T1),
        RUNNING_WITH_PROGRESS.canceled(T1));
  }

  @Test
  void failureKeepsProgressAndStartAndRecordsTheReason() {
    assertEquals(
        new JobFields(1, "gpu-a", 10, 25, "unknown model", null, T0, T1),
        RUNNING_WITH_PROGRESS.failed(1, "gpu-a", "unknown model", T1));
  }
}
