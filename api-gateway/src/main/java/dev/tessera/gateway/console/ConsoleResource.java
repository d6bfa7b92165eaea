package dev.tessera.gateway.console;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.auth.OperatorsOnlyException;
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
 * The small JSON endpoints the web console needs beside the API it shares with every client: who is
 * signed in, a finished image's preview, and the operator board. HTTP only; the reading is in
 * {@link Thumbnails} and {@link OperatorBoard}. Authenticated as every {@code /v1} request.
 */
@Path("/v1")
@Tag(name = "console", description = "What the web console reads beside the jobs API")
public class ConsoleResource {
  @Inject CurrentTenant tenant;
  @Inject OperatorBoard board;

  @GET
  @Path("me")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Who the key belongs to",
      description = "The key's tenant and whether it is an operator.")
  public SignedIn me() {
    Tenant current = tenant.get();
    return new SignedIn(current.name(), current.operator());
  }

  @GET
  @Path("board")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "The operator board",
      description =
          "Backlog per model, workers and their jobs, jobs ended per minute (30 minutes),"
              + " failures by reason and stage time percentiles (the last hour), and per-tenant"
              + " usage (waiting and running now, ended in the last 24 hours). Operator tenants"
              + " only.")
  @APIResponse(
      responseCode = "200",
      description = "The board",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = Board.class)))
  @APIResponse(responseCode = "403", description = "The key's tenant is not an operator")
  public Board board() throws SQLException {
    if (!tenant.get().operator()) {
      throw new OperatorsOnlyException("GET /v1/board", tenant.get().name());
    }
    return board.read();
  }
}
