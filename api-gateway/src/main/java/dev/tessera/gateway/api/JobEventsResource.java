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
 * The server-sent event stream of a job, beside {@link JobsResource}. HTTP only; the streams are
 * {@link EventStreams}'.
 */
@Path("/v1/jobs/{id}/events")
@Tag(name = "jobs")
public class JobEventsResource {
  @Inject EventStreams streams;

  @Inject CurrentTenant tenant;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Blocking
  @Operation(
      summary = "Follow a job",
      description =
          "Events: state (on connect, then on each change), progress (at most every 500 ms),"
              + " then succeeded (with result_url), failed (with error) or cancelled, and the"
              + " stream ends. Reconnect with Last-Event-ID to skip what was seen.")
  @APIResponse(
      responseCode = "200",
      description = "The stream",
      content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(
      responseCode = "503",
      description = "This gateway holds as many waiting requests and streams as it may")
  public Multi<OutboundSseEvent> events(
      @Parameter(description = "Job id (UUID)") @PathParam("id") String id,
      @Parameter(description = "The id of the last event received, to resume")
          @HeaderParam("Last-Event-ID")
          String lastEventId,
      @Context Sse sse)
      throws SQLException {
    return streams.job(tenant.get(), Ids.inPath(id, "a job id"), lastEventId, sse);
  }
}
