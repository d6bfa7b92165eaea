package dev.tessera.gateway.watch;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Workers' reports from render.events, for the open event streams: progress as it happens (the
 * scheduler stores it too, but a stream need not wait for that), and ends as a cue to read the
 * job's row at once. Consumed by every gateway replica in a group of its own, from the newest
 * record on; while the broker is away streams carry on from the database alone.
 */
@ApplicationScoped
public class RenderEventsFeed {
  /** The channel, configured in application.properties. */
  static final String CHANNEL = "render-events";

  private static final Logger LOG = Logger.getLogger(RenderEventsFeed.class);

  @Inject ChangeHub hub;

  @Incoming(CHANNEL)
  public void receive(byte[] record) {
    JobEvent event;
    try {
      event = Json.decode(record, JobEvent.class);
    } catch (RuntimeException e) {
      // Not ours to judge: the scheduler reports malformed events; a stream just skips them.
      LOG.debugf("skipped a render.events record: %s", e.getMessage());
      return;
    }
    if (event instanceof JobEvent.Progress progress) {
      hub.progressed(progress);
    } else if (event instanceof JobEvent.Succeeded
        || event instanceof JobEvent.Canceled
        || (event instanceof JobEvent.Failed failed && !failed.retryable())) {
      hub.changed(new JobChange(event.jobId(), null, JobChange.Kind.REPORTED));
    }
  }
}
