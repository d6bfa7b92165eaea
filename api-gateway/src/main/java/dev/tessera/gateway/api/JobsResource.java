package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.idempotency.Idempotency;
import dev.tessera.gateway.jobs.CancelOutcome;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.JobEndedException;
import dev.tessera.gateway.jobs.JobQuery;
import dev.tessera.gateway.jobs.JobSubmission;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The jobs API: submit a render, poll its status, cancel it. HTTP only; the work is in {@link
 * JobSubmission}, {@link JobQuery} and {@link JobCancellation}, the error answers in {@link
 * ProblemMappers}.
 */
@Path("/v1/jobs")
@Tag(name = "jobs", description = "Render jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
  private static final Pattern CANONICAL_UUID =
      Pattern.compile(
          "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

  @Inject JobSubmission submission;

  @Inject JobQuery query;

  @Inject JobCancellation cancellation;

  @Inject CurrentTenant tenant;

  @Inject Idempotency idempotency;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a render job",
      description =
          "Stores the job and queues it for a worker of its model. Poll the Location for its status.")
  @APIResponse(
      responseCode = "202",
      description = "Accepted and queued",
      headers =
          @Header(
              name = "Location",
              description = "/v1/jobs/{id}",
              schema = @Schema(implementation = String.class)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = JobView.class)))
  @APIResponse(
      responseCode = "400",
      description = "Body is not one JSON object",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "413",
      description = "Body larger than 1 MiB",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "422",
      description = "A field is invalid; errors names each one",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response submit(
      JobRequest request,
      @Parameter(
              description = "Makes a retry safe: the same key and body answer what the first did")
          @HeaderParam(Idempotency.HEADER)
          String idempotencyKey)
      throws SQLException {
    if (request == null) {
      throw new MalformedBodyException(MalformedBodyException.NOT_ONE_OBJECT);
    }
    return idempotency.submit(
        tenant.get(),
        idempotencyKey,
        "/v1/jobs",
        request,
        hook ->
            accepted(
                submission.submit(tenant.get(), request, (c, job) -> hook.run(c, accepted(job)))));
  }

  /**
   * The answer to a submitted job. Its Location is a relative reference (RFC 9110 allows it): right
   * behind any proxy, whatever host name the client used.
   */
  private static Idempotency.Accepted accepted(JobView job) {
    return new Idempotency.Accepted("/v1/jobs/" + job.id(), job);
  }

  @GET
  @Path("{id}")
  @Operation(
      summary = "Get a job's status",
      description = "Cheap enough to poll; result_url is set once it succeeded.")
  @APIResponse(
      responseCode = "200",
      description = "The job",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = JobView.class)))
  @APIResponse(
      responseCode = "400",
      description = "The id is not a UUID",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such job",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public JobView get(@Parameter(description = "Job id (UUID)") @PathParam("id") String id)
      throws SQLException {
    UUID jobId = parseId(id);
    return query
        .find(tenant.get(), jobId)
        .orElseThrow(() -> new NotFoundException("no job with id " + jobId));
  }

  @POST
  @Path("{id}/cancel")
  @Operation(
      summary = "Cancel a job",
      description =
          "A queued job is never rendered; a running one stops within a step and stores nothing. The"
              + " state becomes CANCELED shortly after; a job that ends meanwhile keeps its result."
              + " Asking again answers the same.")
  @APIResponse(
      responseCode = "202",
      description = "The cancellation stands (asked now or before); the job as it is now",
      headers =
          @Header(
              name = "Location",
              description = "/v1/jobs/{id}",
              schema = @Schema(implementation = String.class)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = JobView.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such job",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "409",
      description = "The job already succeeded or failed",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response cancel(@Parameter(description = "Job id (UUID)") @PathParam("id") String id)
      throws SQLException {
    UUID jobId = parseId(id);
    CancelOutcome outcome = cancellation.cancel(tenant.get(), jobId);
    switch (outcome.kind()) {
      case NOT_FOUND -> throw new NotFoundException("no job with id " + jobId);
      case ENDED -> throw new JobEndedException(jobId, outcome.state());
      case REQUESTED, ALREADY_REQUESTED -> {}
    }
    JobView job =
        query
            .find(tenant.get(), jobId)
            .orElseThrow(() -> new NotFoundException("no job with id " + jobId));
    return Response.accepted(job).header(HttpHeaders.LOCATION, "/v1/jobs/" + jobId).build();
  }

  private static UUID parseId(String id) {
    // Only the canonical form: UUID.fromString would also take short forms such as 1-2-3-4-5.
    if (!CANONICAL_UUID.matcher(id).matches()) {
      throw new BadRequestException(
          "a job id is a UUID such as 0b5c1a8e-2f4d-4c3a-9a7e-1d2c3b4a5f60");
    }
    return UUID.fromString(id);
  }
}
