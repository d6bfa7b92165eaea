package dev.tessera.common;

import static dev.tessera.common.JobState.CANCELED;
import static dev.tessera.common.JobState.FAILED;
import static dev.tessera.common.JobState.QUEUED;
import static dev.tessera.common.JobState.RUNNING;
import static dev.tessera.common.JobState.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateMachineTest {
  // The table again, written out by hand: the machine must agree with it on every one of the 36
  // pairs.
  private static final Set<String> ALLOWED =
      Set.of(
          "QUEUED->DISPATCHED",
          "QUEUED->RUNNING",
          "QUEUED->FAILED",
          "QUEUED->CANCELED",
          "DISPATCHED->RUNNING",
          "DISPATCHED->QUEUED",
          "DISPATCHED->FAILED",
          "DISPATCHED->CANCELED",
          "RUNNING->SUCCEEDED",
          "RUNNING->FAILED",
          "RUNNING->CANCELED",
          "RUNNING->QUEUED",
          "RUNNING->RUNNING");

  @Test
  void everyPairOfStatesMatchesTheTable() {
    int allowed = 0;
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        boolean expected = ALLOWED.contains(from + "->" + to);
        assertEquals(expected, JobStateMachine.allows(from, to), from + " -> " + to);
        assertEquals(
            expected, JobStateMachine.next(from).contains(to), "next(" + from + ") has " + to);
        allowed += expected ? 1 : 0;
      }
    }
    assertEquals(ALLOWED.size(), allowed);
  }

  @Test
  void terminalStatesHaveNoWayOut() {
    for (JobState s : JobState.values()) {
      assertEquals(s.isTerminal(), JobStateMachine.next(s).isEmpty(), s.name());
    }
    assertEquals(
        EnumSet.of(SUCCEEDED, FAILED, CANCELED),
        EnumSet.copyOf(Set.of(JobState.values()).stream().filter(JobState::isTerminal).toList()));
    assertTrue(JobStateMachine.allows(RUNNING, RUNNING));
    assertFalse(JobStateMachine.allows(QUEUED, QUEUED));
  }

  @Test
  void nextIsUnmodifiable() {
    assertThrows(
        UnsupportedOperationException.class, () -> JobStateMachine.next(QUEUED).add(SUCCEEDED));
  }
}
