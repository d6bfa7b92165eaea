package dev.tessera.gateway.console;

import dev.tessera.gateway.api.Ids;
import dev.tessera.gateway.auth.CurrentTenant;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A succeeded job's preview, for the console's gallery. A class of its own, beside {@code
 * JobsResource}: a resource at {@code /v1} would never be matched below {@code /v1/jobs}. HTTP
 * only; the previews are {@link Thumbnails}'.
 */
@Path("/v1/jobs/{id}/thumbnail")
@Tag(name = "console")
public class ThumbnailResource {
  /** Previews never change once made; the browser may keep them, for the signed-in user only. */
  private static final String KEEP_PRIVATELY = "private, max-age=86400, immutable";

  @Inject CurrentTenant tenant;
  @Inject Thumbnails thumbnails;

  @GET
  @Produces("image/jpeg")
  @Operation(
      summary = "A succeeded job's preview",
      description =
          "A JPEG of the job's image, 256 px on its long side, made once and kept beside the"
              + " image in the object store.")
  @APIResponse(
      responseCode = "200",
      description = "The preview",
      content = @Content(mediaType = "image/jpeg"))
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(responseCode = "409", description = "The job has not succeeded: it has no image")
  @APIResponse(
      responseCode = "410",
      description = "The job's result was deleted, its retention over")
  public Response thumbnail(@Parameter(description = "Job id (UUID)") @PathParam("id") String id)
      throws SQLException, IOException {
    byte[] jpeg = thumbnails.of(tenant.get(), Ids.inPath(id, "a job id"));
    return Response.ok(jpeg, "image/jpeg")
        .header(HttpHeaders.CACHE_CONTROL, KEEP_PRIVATELY)
        .build();
  }
}
