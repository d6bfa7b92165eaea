package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.auth.OperatorsOnlyException;
import dev.tessera.gateway.workers.WorkerRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The farm's render workers, for operator tenants: what each renders and does now. HTTP only; the
 * reading is in {@link WorkerRegistry}.
 */
@Path("/v1/workers")
@Tag(name = "workers", description = "The farm's render workers (operators only)")
@Produces(MediaType.APPLICATION_JSON)
public class WorkersResource {
  @Inject WorkerRegistry registry;

  @Inject CurrentTenant tenant;

  @GET
  @Operation(
      summary = "List the render workers",
      description =
          "Every worker the scheduler has heard from, by id: IDLE, BUSY (with its current_job),"
              + " STOPPED, or LOST when not heard from within the lease (30 s by default)."
              + " Operator tenants only.")
  @APIResponse(
      responseCode = "200",
      description = "The workers",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = WorkerList.class)))
  @APIResponse(responseCode = "403", description = "The key's tenant is not an operator")
  public WorkerList list() throws SQLException {
    if (!tenant.get().operator()) {
      throw new OperatorsOnlyException("GET /v1/workers", tenant.get().name());
    }
    return new WorkerList(registry.all());
  }
}
