package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The notification payloads of migration V7. */
class JobChangeTest {
  private final UUID job = UUID.randomUUID();
  private final UUID batch = UUID.randomUUID();

  @Test
  void readsEveryKind() {
    assertEquals(
        Optional.of(new JobChange(job, batch, JobChange.Kind.STATE)),
        JobChange.parse(job + "," + batch + ",state"));
    assertEquals(
        Optional.of(new JobChange(job, null, JobChange.Kind.PROGRESS)),
        JobChange.parse(job + ",,progress"));
    assertEquals(
        Optional.of(new JobChange(job, null, JobChange.Kind.CANCEL)),
        JobChange.parse(job + ",,cancel"));
  }

  @Test
  void refusesWhatIsNotOne() {
    for (String payload :
        new String[] {
          null,
          "",
          job.toString(),
          job + ",,",
          job + ",,moved",
          "x,,state",
          job + ",y,state",
          job + ",," + "state,extra"
        }) {
      assertTrue(JobChange.parse(payload).isEmpty(), String.valueOf(payload));
    }
  }

  @Test
  void onlyStateChangesMoveABatch() {
    assertTrue(new JobChange(job, batch, JobChange.Kind.STATE).movesBatch());
    assertTrue(!new JobChange(job, batch, JobChange.Kind.PROGRESS).movesBatch());
  }
}
