package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.auth.OperatorsOnlyException;
import dev.tessera.gateway.batches.InvalidBatchException;
import dev.tessera.gateway.idempotency.IdempotencyException;
import dev.tessera.gateway.jobs.InvalidJobException;
import dev.tessera.gateway.jobs.JobEndedException;
import dev.tessera.gateway.quota.QuotaExceededException;
import dev.tessera.gateway.quota.RateLimitFilter;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Answers every error as an RFC 9457 problem ({@code application/problem+json}): invalid fields
 * (wrong JSON types included) as 422 naming each field, bad query parameters as 400 naming each,
 * bodies that are not one JSON object (or a batch line that is not JSON) as 400 with a short
 * reason, a farm-wide view asked for by a tenant that is not an operator as 403, a cancel of a job
 * that ended as 409, a quota as 429, a database outage as 503, HTTP errors with their status, and
 * anything unexpected as a 500 that reveals nothing but is logged in full.
 */
public class ProblemMappers {
  /** A request whose fields are invalid; {@code errors} names them. */
  public static final String INVALID_FIELDS = "urn:tessera:problem:invalid-fields";

  /** Query parameters that cannot be used; {@code errors} names them. */
  public static final String INVALID_PARAMETERS = "urn:tessera:problem:invalid-parameters";

  /** A body that is not a JSON object. */
  public static final String MALFORMED_BODY = "urn:tessera:problem:malformed-body";

  /** A request header is malformed; the detail names it. */
  public static final String INVALID_HEADER = "urn:tessera:problem:invalid-header";

  /** An Idempotency-Key reused for another request, or whose first request is still running. */
  public static final String IDEMPOTENCY = "urn:tessera:problem:idempotency-key";

  /** A farm-wide view asked for by a tenant that is not an operator. */
  public static final String OPERATORS_ONLY = "urn:tessera:problem:operators-only";

  /** A cancel request for a job that already SUCCEEDED or FAILED. */
  public static final String JOB_ENDED = "urn:tessera:problem:job-ended";

  /** A dependency (the database) is down. */
  public static final String UNAVAILABLE = "urn:tessera:problem:unavailable";

  private static final String PLAIN_STATUS = "about:blank";
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response invalidJob(InvalidJobException e) {
    return fieldProblems(e.problems());
  }

  /** A batch with a bad job; every bad field of every job named, the first hundred listed. */
  @ServerExceptionMapper
  public Response invalidBatch(InvalidBatchException e) {
    String detail = e.problems().get(0).toString();
    if (e.unlisted() > 0) {
      detail += " (errors lists the first " + e.problems().size() + "; " + e.unlisted() + " more)";
    }
    return problem(new Problem(INVALID_FIELDS, "Invalid batch", 422, detail, e.problems()));
  }

  @ServerExceptionMapper
  public Response invalidParameters(InvalidParametersException e) {
    return problem(
        new Problem(
            INVALID_PARAMETERS,
            "Invalid query parameters",
            400,
            e.problems().get(0).toString(),
            e.problems()));
  }

  @ServerExceptionMapper
  public Response idempotency(IdempotencyException e) {
    String type = e.status() == 400 ? INVALID_HEADER : IDEMPOTENCY;
    String title =
        e.status() == 409 ? "Conflict" : e.status() == 422 ? "Key Reused" : "Invalid Header";
    return problem(Problem.of(type, title, e.status(), e.getMessage()));
  }

  @ServerExceptionMapper
  public Response quota(QuotaExceededException e) {
    // Room comes back as the farm renders: no exact time, so a short wait.
    return RateLimitFilter.tooMany(Duration.ofSeconds(30), e.getMessage());
  }

  @ServerExceptionMapper
  public Response operatorsOnly(OperatorsOnlyException e) {
    return problem(Problem.of(OPERATORS_ONLY, "Forbidden", 403, e.getMessage()));
  }

  @ServerExceptionMapper
  public Response jobEnded(JobEndedException e) {
    return problem(Problem.of(JOB_ENDED, "Job already ended", 409, e.getMessage()));
  }

  @ServerExceptionMapper
  public Response malformedBody(MalformedBodyException e) {
    return malformed(e.getMessage());
  }

  /**
   * A JSON value of the wrong kind, e.g. {@code "steps": "ten"}; Quarkus rethrows these unwrapped.
   */
  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    // Quarkus wraps the body reader's JSON errors (syntax, number overflow) in a plain 400.
    if (e.getCause() instanceof JsonProcessingException json) {
      return jsonProblem(json);
    }
    Response.StatusType status = e.getResponse().getStatusInfo();
    return Response.fromResponse(e.getResponse())
        .type(Problem.MEDIA_TYPE)
        .entity(
            Problem.of(
                PLAIN_STATUS, status.getReasonPhrase(), status.getStatusCode(), e.getMessage()))
        .build();
  }

  /**
   * The database could not be reached, timed out or is shutting down: a dependency is down, so the
   * client should come back later (503 with Retry-After). Any other database error is the gateway's
   * own (500).
   */
  @ServerExceptionMapper
  public Response database(SQLException e) {
    if (!unavailable(e)) {
      return unexpected(e);
    }
    LOG.warn("database unavailable: " + e.getMessage());
    return Response.fromResponse(
            problem(
                Problem.of(
                    UNAVAILABLE,
                    "Service Unavailable",
                    503,
                    "the job database is unavailable; retry in a few seconds")))
        .header(HttpHeaders.RETRY_AFTER, "5")
        .build();
  }

  /**
   * Connection failures (SQLSTATE class 08), timeouts, shutdown (57P0x) and lack of resources
   * (class 53).
   */
  static boolean unavailable(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof SQLNonTransientConnectionException
        || state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57P");
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    LOG.error("request failed", e);
    return problem(
        Problem.of(
            PLAIN_STATUS,
            "Internal Server Error",
            500,
            "the gateway could not handle this request; it has logged why"));
  }

  private static Response jsonProblem(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping) {
      return JsonFieldProblems.of(mapping)
          .map(problem -> fieldProblems(List.of(problem)))
          .orElseGet(() -> malformed(MalformedBodyException.NOT_ONE_OBJECT));
    }
    return malformed(MalformedBodyException.notJson("the body", e, true).getMessage());
  }

  private static Response malformed(String detail) {
    return problem(Problem.of(MALFORMED_BODY, "Malformed request body", 400, detail));
  }

  private static Response fieldProblems(List<FieldProblem> problems) {
    return problem(
        new Problem(
            INVALID_FIELDS, "Invalid job request", 422, problems.get(0).toString(), problems));
  }

  private static Response problem(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }
}
