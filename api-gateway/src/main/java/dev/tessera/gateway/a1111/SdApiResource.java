package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.gateway.auth.CurrentTenant;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * AUTOMATIC1111's web UI API ({@code /sdapi/v1}) over the farm, for the tools written against it:
 * txt2img, its progress and interrupt, and the model and sampler lists. HTTP only; the work is in
 * {@link Txt2Img} and {@link Txt2ImgRuns}, the error answers in {@link SdApiErrors}.
 */
@Path("/sdapi/v1")
@Tag(name = "a1111", description = "AUTOMATIC1111-compatible API")
@Produces(MediaType.APPLICATION_JSON)
public class SdApiResource {
  @Inject Txt2Img txt2img;
  @Inject Txt2ImgRuns runs;
  @Inject CurrentTenant tenant;

  /**
   * Blocking only while it submits the jobs: the answer waits for them without holding a thread.
   */
  @POST
  @Path("txt2img")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  @Operation(
      summary = "Text to image (A1111)",
      description =
          "Renders batch_size × n_iter images (at most 10) as farm jobs of the tenant and answers"
              + " once all ended, with base64 PNGs.")
  public CompletionStage<Txt2ImgResponse> txt2img(ObjectNode body) throws SQLException {
    return txt2img.generate(tenant.get(), body);
  }

  @GET
  @Path("progress")
  @Operation(summary = "Progress of the caller's txt2img requests on this gateway (A1111)")
  public ProgressResponse progress() throws SQLException {
    return runs.progress(tenant.get());
  }

  @POST
  @Path("interrupt")
  @Operation(summary = "Cancel the caller's txt2img requests in flight on this gateway (A1111)")
  public Map<String, Object> interrupt() throws SQLException {
    runs.interrupt(tenant.get());
    return Map.of();
  }

  @GET
  @Path("sd-models")
  @Operation(summary = "The farm's models, as A1111 lists checkpoints")
  public List<SdModel> sdModels() {
    return txt2img.models().stream().map(SdModel::of).toList();
  }

  @GET
  @Path("samplers")
  @Operation(summary = "The samplers the farm renders, by A1111's names")
  public List<SamplerItem> samplers() {
    return SdSampler.ALL.stream().map(SamplerItem::of).toList();
  }
}
