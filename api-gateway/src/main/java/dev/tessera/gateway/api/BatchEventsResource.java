package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.watch.EventStreams;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The server-sent event stream of a batch, beside {@link BatchesResource}. HTTP only; the streams
 * are {@link EventStreams}'.
 */
@Path("/v1/batches/{id}/events")
@Tag(name = "batches")
public class BatchEventsResource {
  @Inject EventStreams streams;

  @Inject CurrentTenant tenant;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Blocking
  @Operation(
      summary = "Follow a batch",
      description =
          "Events: state (the batch, on connect and whenever its counts move); for each of its"
              + " jobs that changes meanwhile, progress and then succeeded, failed or cancelled,"
              + " with its custom_id. The stream ends once every job has ended.")
  @APIResponse(
      responseCode = "200",
      description = "The stream",
      content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
  @APIResponse(responseCode = "404", description = "No such batch")
  @APIResponse(
      responseCode = "503",
      description = "This gateway holds as many waiting requests and streams as it may")
  public Multi<OutboundSseEvent> events(
      @Parameter(description = "Batch id (UUID)") @PathParam("id") String id,
      @Parameter(description = "The id of the last event received, to resume")
          @HeaderParam("Last-Event-ID")
          String lastEventId,
      @Context Sse sse)
      throws SQLException {
    return streams.batch(tenant.get(), Ids.inPath(id, "a batch id"), lastEventId, sse);
  }
}
