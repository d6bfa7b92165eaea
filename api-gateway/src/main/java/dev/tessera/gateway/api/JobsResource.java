package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.idempotency.Idempotency;
import dev.tessera.gateway.jobs.CancelOutcome;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.JobEndedException;
import dev.tessera.gateway.jobs.JobListing;
import dev.tessera.gateway.jobs.JobQuery;
import dev.tessera.gateway.jobs.JobSubmission;
import dev.tessera.gateway.watch.StatusAnswers;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The jobs API: submit a render, poll its status, list jobs, cancel one. HTTP only; the work is in
 * {@link JobSubmission}, {@link JobQuery}, {@link JobListing} and {@link JobCancellation}, the
 * error answers in {@link ProblemMappers}.
 */
@Path("/v1/jobs")
@Tag(name = "jobs", description = "Render jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
  @Inject JobSubmission submission;

  @Inject JobQuery query;

  @Inject JobCancellation cancellation;
  @Inject JobListing listing;

  @Inject CurrentTenant tenant;

  @Inject Idempotency idempotency;

  @Inject StatusAnswers status;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a render job",
      description =
          "Stores the job, QUEUED; the scheduler dispatches it to a worker of its model when its"
              + " turn comes (by priority, the tenants' fair shares, then age). Poll the Location"
              + " for its status.")
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
  @APIResponse(responseCode = "400", description = "Body is not one JSON object")
  @APIResponse(responseCode = "413", description = "Body larger than 1 MiB")
  @APIResponse(responseCode = "422", description = "A field is invalid; errors names each one")
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
  @Operation(
      summary = "List jobs, newest first",
      description =
          "A page at a time; pass next_cursor as cursor for the next. Jobs submitted meanwhile"
              + " do not shift the pages still to come.")
  @APIResponse(
      responseCode = "200",
      description = "A page of jobs",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = JobPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "A parameter is invalid or unknown; errors names each")
  public JobPage list(
      @Parameter(description = "Only this batch's jobs (its id)") @QueryParam("batch") String batch,
      @Parameter(
              description = "Only jobs in this state",
              schema =
                  @Schema(
                      enumeration = {
                        "QUEUED",
                        "DISPATCHED",
                        "RUNNING",
                        "SUCCEEDED",
                        "FAILED",
                        "CANCELED"
                      }))
          @QueryParam("state")
          String state,
      @Parameter(
              description = "Jobs per page, 1 to 1000",
              schema = @Schema(defaultValue = "100", minimum = "1", maximum = "1000"))
          @QueryParam("limit")
          String limit,
      @Parameter(description = "The next_cursor of the previous page") @QueryParam("cursor")
          String cursor,
      @Context UriInfo uri)
      throws SQLException {
    return listing.page(
        tenant.get(),
        JobListParameters.parse(batch, state, limit, cursor, uri.getQueryParameters()));
  }

  // Not @Blocking: a kept answer is sent from the event loop; StatusAnswers moves the rest off it.
  @GET
  @Path("{id}")
  @Operation(
      summary = "Get a job's status",
      description =
          "Cheap enough to poll; result_url is set once it succeeded. Carries an ETag: send it"
              + " back in If-None-Match for a 304 while nothing changed, and add ?wait=N to be"
              + " answered as soon as the job changes, or after N seconds.")
  @APIResponse(
      responseCode = "200",
      description = "The job",
      headers = @Header(name = "ETag", schema = @Schema(implementation = String.class)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "304", description = "Unchanged: If-None-Match names the ETag")
  @APIResponse(responseCode = "400", description = "The id is not a UUID")
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(responseCode = "422", description = "wait is not 0 to 60")
  public CompletionStage<Response> get(
      @Parameter(description = "Job id (UUID)") @PathParam("id") String id,
      @Parameter(description = "The ETag of the job as the client has it")
          @HeaderParam(HttpHeaders.IF_NONE_MATCH)
          String ifNoneMatch,
      @Parameter(
              description = "Seconds to wait for a change before answering",
              schema = @Schema(minimum = "0", maximum = "60"))
          @QueryParam("wait")
          String wait) {
    return status.job(tenant.get(), Ids.inPath(id, "a job id"), ifNoneMatch, wait);
  }

  @POST
  @Path("{id}/cancel")
  @Operation(
      summary = "Cancel a job",
      description =
          "A queued or dispatched job is never rendered; a running one stops within a step and"
              + " stores nothing. The state becomes CANCELED shortly after; a job that ends"
              + " meanwhile keeps its result. Asking again answers the same.")
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
  @APIResponse(responseCode = "404", description = "No such job")
  @APIResponse(responseCode = "409", description = "The job already succeeded or failed")
  public Response cancel(@Parameter(description = "Job id (UUID)") @PathParam("id") String id)
      throws SQLException {
    UUID jobId = Ids.inPath(id, "a job id");
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
}
