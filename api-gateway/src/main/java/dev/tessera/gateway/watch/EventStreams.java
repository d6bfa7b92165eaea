package dev.tessera.gateway.watch;

import dev.tessera.common.tenants.Tenant;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Opens the server-sent event streams of {@code GET /v1/jobs/{id}/events} and {@code GET
 * /v1/batches/{id}/events}: watches first, then reads, so that nothing changes unseen between the
 * two; another tenant's id, like an unknown one, is a 404 before the stream starts. Thread-safe.
 */
public final class EventStreams {
  private final EventStream.Services services;

  EventStreams(EventStream.Services services) {
    this.services = services;
  }

  /**
   * {@code tenant}'s job {@code id} as events, from what {@code lastEventId} (if any) says the
   * client saw.
   *
   * @throws NotFoundException when the tenant has no such job
   * @throws TooManyWatchesException when every watch is taken
   */
  public Multi<OutboundSseEvent> job(Tenant tenant, UUID id, String lastEventId, Sse sse)
      throws SQLException {
    JobEventStream stream = new JobEventStream(services, sse, tenant, id, lastEventId);
    stream.watch(id);
    try {
      stream.begin(
          services
              .jobs()
              .find(tenant, id)
              .orElseThrow(() -> new NotFoundException("no job with id " + id)));
    } catch (SQLException | RuntimeException e) {
      stream.close();
      throw e;
    }
    return stream.events();
  }

  /**
   * {@code tenant}'s batch {@code id} as events, from what {@code lastEventId} (if any) says the
   * client saw.
   *
   * @throws NotFoundException when the tenant has no such batch
   * @throws TooManyWatchesException when every watch is taken
   */
  public Multi<OutboundSseEvent> batch(Tenant tenant, UUID id, String lastEventId, Sse sse)
      throws SQLException {
    BatchEventStream stream = new BatchEventStream(services, sse, tenant, id, lastEventId);
    stream.watch(id);
    try {
      stream.begin(
          services
              .batches()
              .find(tenant, id)
              .orElseThrow(() -> new NotFoundException("no batch with id " + id)));
    } catch (SQLException | RuntimeException e) {
      stream.close();
      throw e;
    }
    return stream.events();
  }
}
