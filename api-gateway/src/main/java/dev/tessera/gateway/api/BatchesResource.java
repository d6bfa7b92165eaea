package dev.tessera.gateway.api;

import dev.tessera.gateway.auth.CurrentTenant;
import dev.tessera.gateway.batches.BatchBody;
import dev.tessera.gateway.batches.BatchBodyReader;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.batches.BatchSubmission;
import dev.tessera.gateway.idempotency.Idempotency;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.watch.StatusAnswers;
import io.smallrye.common.annotation.Blocking;
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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The batches API: submit up to 10,000 jobs in one request, poll the batch, stream its results.
 * HTTP only; the work is in {@link BatchBodyReader}, {@link BatchSubmission} and {@link
 * BatchQuery}, the error answers in {@link ProblemMappers}.
 */
@Path("/v1/batches")
@Tag(name = "batches", description = "Many render jobs in one request")
@Produces(MediaType.APPLICATION_JSON)
public class BatchesResource {
  /** JSON Lines: one JSON object a line. */
  public static final String JSONL = "application/x-ndjson";

  @Inject BatchBodyReader reader;

  @Inject BatchSubmission submission;

  @Inject BatchQuery query;

  @Inject CurrentTenant tenant;

  @Inject Idempotency idempotency;

  @Inject JobCancellation cancellation;

  @Inject StatusAnswers status;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a batch of jobs (JSON)",
      description =
          "Up to 10,000 jobs, each with its custom_id and the fields of POST /v1/jobs; its fields"
              + " override the defaults. All are checked first: one bad job refuses the batch, and"
              + " nothing is stored.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              example =
                  "{\"defaults\": {\"steps\": 30}, \"items\": [{\"custom_id\": \"a\", \"prompt\":"
                      + " \"a lighthouse\"}, {\"custom_id\": \"b\", \"prompt\": \"a harbour\"}]}"))
  @APIResponse(
      responseCode = "202",
      description = "Accepted; every job queued",
      headers =
          @Header(
              name = "Location",
              description = "/v1/batches/{id}",
              schema = @Schema(implementation = String.class)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = BatchView.class)))
  @APIResponse(responseCode = "400", description = "Body is not JSON")
  @APIResponse(responseCode = "413", description = "Body larger than 16 MiB")
  @APIResponse(
      responseCode = "422",
      description =
          "A job is invalid, a custom_id missing or repeated, or more than 10,000 jobs; errors"
              + " names each field, e.g. items[17].steps")
  public Response submitJson(
      InputStream body,
      @Parameter(
              description = "Makes a retry safe: the same key and batch answer what the first did")
          @HeaderParam(Idempotency.HEADER)
          String idempotencyKey)
      throws IOException, SQLException {
    return accepted(reader.readJson(body), idempotencyKey);
  }

  @POST
  @Consumes(JSONL)
  @Operation(
      summary = "Submit a batch of jobs (JSON Lines)",
      description =
          "One job object a line, each with its custom_id; errors name lines from 1, e.g."
              + " lines[18].steps. Otherwise as the JSON form.")
  @RequestBody(
      content =
          @Content(
              mediaType = JSONL,
              example =
                  "{\"custom_id\": \"a\", \"prompt\": \"a lighthouse\"}\n"
                      + "{\"custom_id\": \"b\", \"prompt\": \"a harbour\", \"steps\": 30}\n"))
  @APIResponse(
      responseCode = "202",
      description = "Accepted; every job queued",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = BatchView.class)))
  @APIResponse(responseCode = "400", description = "A line is not JSON; the detail names it")
  @APIResponse(
      responseCode = "422",
      description = "As for the JSON form, fields named lines[18].steps")
  public Response submitLines(
      InputStream body,
      @Parameter(
              description = "Makes a retry safe: the same key and batch answer what the first did")
          @HeaderParam(Idempotency.HEADER)
          String idempotencyKey)
      throws IOException, SQLException {
    return accepted(reader.readLines(body), idempotencyKey);
  }

  private Response accepted(BatchBody body, String idempotencyKey) throws SQLException {
    return idempotency.submit(
        tenant.get(),
        idempotencyKey,
        "/v1/batches",
        body,
        hook ->
            accepted(
                submission.submit(tenant.get(), body, (c, batch) -> hook.run(c, accepted(batch)))));
  }

  private static Idempotency.Accepted accepted(BatchView batch) {
    return new Idempotency.Accepted("/v1/batches/" + batch.id(), batch);
  }

  @GET
  @Path("{id}")
  @Blocking
  @Operation(
      summary = "Get a batch's state and counts",
      description =
          "in_progress while any job is queued, dispatched or running; cheap enough to poll."
              + " Carries an ETag: send it back in If-None-Match for a 304 while nothing changed,"
              + " and add ?wait=N to be answered as soon as a job's state moves, or after N"
              + " seconds.")
  @APIResponse(
      responseCode = "200",
      description = "The batch",
      headers = @Header(name = "ETag", schema = @Schema(implementation = String.class)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = BatchView.class)))
  @APIResponse(responseCode = "304", description = "Unchanged: If-None-Match names the ETag")
  @APIResponse(responseCode = "404", description = "No such batch")
  @APIResponse(responseCode = "422", description = "wait is not 0 to 60")
  public CompletionStage<Response> get(
      @Parameter(description = "Batch id (UUID)") @PathParam("id") String id,
      @Parameter(description = "The ETag of the batch as the client has it")
          @HeaderParam(HttpHeaders.IF_NONE_MATCH)
          String ifNoneMatch,
      @Parameter(
              description = "Seconds to wait for a change before answering",
              schema = @Schema(minimum = "0", maximum = "60"))
          @QueryParam("wait")
          String wait)
      throws SQLException {
    return status.batch(tenant.get(), Ids.inPath(id, "a batch id"), ifNoneMatch, wait);
  }

  @POST
  @Path("{id}/cancel")
  @Operation(
      summary = "Cancel a batch",
      description =
          "Cancels every job of the batch that has not ended, as POST /v1/jobs/{id}/cancel does one:"
              + " queued and dispatched jobs never render, running ones stop within a step;"
              + " finished jobs keep their results. The batch becomes cancelled once its jobs have"
              + " ended. Asking again is harmless.")
  @APIResponse(
      responseCode = "202",
      description = "The cancellations stand; the batch as it is now",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = BatchView.class)))
  @APIResponse(responseCode = "404", description = "No such batch")
  public Response cancel(@Parameter(description = "Batch id (UUID)") @PathParam("id") String id)
      throws SQLException {
    UUID batchId = Ids.inPath(id, "a batch id");
    if (!query.owns(tenant.get(), batchId)) {
      throw new NotFoundException("no batch with id " + batchId);
    }
    cancellation.cancelAll(tenant.get(), query.openJobs(tenant.get(), batchId));
    BatchView batch =
        query
            .find(tenant.get(), batchId)
            .orElseThrow(() -> new NotFoundException("no batch with id " + batchId));
    return Response.accepted(batch).header(HttpHeaders.LOCATION, "/v1/batches/" + batchId).build();
  }

  @GET
  @Path("{id}/results")
  @Produces(JSONL)
  @Operation(
      summary = "Stream a batch's results",
      description =
          "One JSON line per job, in custom_id order: custom_id, job_id, state, result_url (a"
              + " presigned GET of the PNG once it succeeded) and error (why it failed).")
  @APIResponse(
      responseCode = "200",
      description = "The results, streamed",
      content = @Content(mediaType = JSONL, schema = @Schema(implementation = BatchResult.class)))
  @APIResponse(responseCode = "404", description = "No such batch")
  public Response results(@Parameter(description = "Batch id (UUID)") @PathParam("id") String id)
      throws SQLException {
    UUID batchId = Ids.inPath(id, "a batch id");
    if (!query.owns(tenant.get(), batchId)) {
      throw new NotFoundException("no batch with id " + batchId);
    }
    StreamingOutput lines =
        out -> {
          try {
            query.writeResults(batchId, out);
          } catch (SQLException e) {
            // The status is sent; all that is left is to cut the stream short.
            throw new IOException("results of batch " + batchId + " cut short: " + e, e);
          }
        };
    return Response.ok(lines, JSONL).build();
  }
}
