package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.webhooks.DeliveryListing;
import dev.tessera.gateway.webhooks.WebhookSecrets;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The webhooks API: the tenant's signing secret, and its deliveries with their attempts. HTTP only;
 * the work is in {@link WebhookSecrets} and {@link DeliveryListing}. A job asks for webhooks with
 * {@code webhook_url} and {@code webhook_events} ({@link JobRequest}).
 */
@Path("/v1/webhooks")
@Tag(name = "webhooks", description = "Job events posted to the client (Standard Webhooks)")
@Produces(MediaType.APPLICATION_JSON)
public class WebhooksResource {
  @Inject WebhookSecrets secrets;

  @Inject DeliveryListing listing;

  @Inject CurrentTenant tenant;

  @GET
  @Path("secret")
  @Operation(
      summary = "Get the webhook signing secret",
      description =
          "The secret every delivery to this tenant is signed with: webhook-signature is v1, and"
              + " the base64 HMAC-SHA256, keyed with the base64-decoded part after whsec_, of"
              + " webhook-id.webhook-timestamp.body. Made on first use, the same afterwards.")
  @APIResponse(
      responseCode = "200",
      description = "The secret",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = WebhookSecretView.class)))
  public WebhookSecretView secret() throws SQLException {
    return new WebhookSecretView(secrets.secret(tenant.get().id()));
  }

  @GET
  @Path("deliveries")
  @Operation(
      summary = "List webhook deliveries, newest first",
      description =
          "Each delivery is one event of one job, with every attempt (status or error). A page at"
              + " a time; pass next_cursor as cursor for the next.")
  @APIResponse(
      responseCode = "200",
      description = "A page of deliveries",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DeliveryPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "A parameter is invalid or unknown; errors names each")
  public DeliveryPage deliveries(
      @Parameter(description = "Only this job's deliveries (its id)") @QueryParam("job") String job,
      @Parameter(
              description = "Deliveries per page, 1 to 1000",
              schema = @Schema(defaultValue = "100", minimum = "1", maximum = "1000"))
          @QueryParam("limit")
          String limit,
      @Parameter(description = "The next_cursor of the previous page") @QueryParam("cursor")
          String cursor,
      @Context UriInfo uri)
      throws SQLException {
    return listing.page(
        tenant.get().id(),
        DeliveryListParameters.parse(job, limit, cursor, uri.getQueryParameters()));
  }
}
