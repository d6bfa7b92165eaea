package dev.tessera.gateway.openai;

import dev.tessera.gateway.auth.CurrentTenant;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OpenAI's Images API and model listing over the farm, for OpenAI's SDKs and the tools built on
 * them. HTTP only; the work is in {@link ImageGeneration}, the error answers in {@link
 * OpenAiErrors}.
 */
@Path("/v1")
@Tag(name = "openai", description = "OpenAI-compatible Images API")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiResource {
  @Inject ImageGeneration generation;
  @Inject CurrentTenant tenant;

  /**
   * Blocking only while it submits the jobs: the answer waits for them without holding a thread.
   */
  @POST
  @Path("images/generations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  @Operation(
      summary = "Generate images (OpenAI Images API)",
      description =
          "Renders n images as n farm jobs of the tenant and answers once all ended, with URLs or"
              + " base64; 504 when they take longer than tessera.openai.timeout.")
  public CompletionStage<ImagesResponse> generate(ImageGenerationRequest request)
      throws SQLException {
    return generation.generate(tenant.get(), request);
  }

  @GET
  @Path("models")
  @Operation(summary = "List the farm's models (OpenAI models API)")
  public ModelList models() {
    return generation.models().list();
  }

  @GET
  @Path("models/{model}")
  @Operation(summary = "Describe one of the farm's models (OpenAI models API)")
  public ModelList.Model model(@PathParam("model") String model) {
    return generation.models().find(model).orElseThrow(() -> OpenAiException.noSuchModel(model));
  }
}
