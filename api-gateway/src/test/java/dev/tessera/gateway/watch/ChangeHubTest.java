package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.JobEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Changes reach the watchers of the job and of its batch, and no one else; watches are bounded. */
class ChangeHubTest {
  /** Records what it is told, as "changed:<kind>", "resync" and "progress:<step>". */
  private static final class Recorder implements ChangeHub.Observer {
    final List<String> told = new ArrayList<>();

    @Override
    public void changed(JobChange change) {
      told.add("changed:" + change.kind());
    }

    @Override
    public void resync() {
      told.add("resync");
    }

    @Override
    public void progressed(JobEvent.Progress progress) {
      told.add("progress:" + progress.step());
    }
  }

  private final UUID job = UUID.randomUUID();
  private final UUID batch = UUID.randomUUID();

  @Test
  void aChangeReachesTheJobsAndTheBatchsWatchersOnly() {
    ChangeHub hub = new ChangeHub(10);
    Recorder onJob = new Recorder();
    Recorder onBatch = new Recorder();
    Recorder elsewhere = new Recorder();
    hub.watch(job, onJob);
    hub.watch(batch, onBatch);
    hub.watch(UUID.randomUUID(), elsewhere);

    hub.changed(new JobChange(job, batch, JobChange.Kind.STATE));
    hub.changed(new JobChange(job, null, JobChange.Kind.CANCEL));
    hub.progressed(new JobEvent.Progress(job, "gpu-0", 1, 5, 25, Instant.now()));

    assertEquals(List.of("changed:STATE", "changed:CANCEL", "progress:5"), onJob.told);
    assertEquals(List.of("changed:STATE"), onBatch.told);
    assertEquals(List.of(), elsewhere.told);
  }

  @Test
  void aResyncReachesEveryWatcher() {
    ChangeHub hub = new ChangeHub(10);
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    hub.watch(job, a);
    hub.watch(batch, b);
    hub.resync();
    assertEquals(List.of("resync"), a.told);
    assertEquals(List.of("resync"), b.told);
  }

  @Test
  void aClosedWatchHearsNothingAndFreesItsSlot() {
    ChangeHub hub = new ChangeHub(1);
    Recorder first = new Recorder();
    ChangeHub.Watch watch = hub.watch(job, first);
    assertThrows(TooManyWatchesException.class, () -> hub.watch(batch, new Recorder()));
    watch.close();
    watch.close(); // twice is harmless, and frees one slot only
    assertEquals(0, hub.watching());
    hub.changed(new JobChange(job, null, JobChange.Kind.STATE));
    assertEquals(List.of(), first.told);
    hub.watch(batch, new Recorder());
    assertEquals(1, hub.watching());
  }

  @Test
  void aFailingObserverDoesNotKeepTheNewsFromTheOthers() {
    ChangeHub hub = new ChangeHub(10);
    hub.watch(
        job,
        new ChangeHub.Observer() {
          @Override
          public void changed(JobChange change) {
            throw new IllegalStateException("broken");
          }

          @Override
          public void resync() {}
        });
    Recorder other = new Recorder();
    hub.watch(job, other);
    hub.changed(new JobChange(job, null, JobChange.Kind.PROGRESS));
    assertEquals(List.of("changed:PROGRESS"), other.told);
  }
}
