package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.watch.InvalidWaitException;
import dev.tessera.gateway.watch.TooManyWatchesException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The problems of cheap polling and event streams, as {@link ProblemMappers} answers the rest: a
 * bad {@code ?wait} 422 naming {@code wait}, no room for one more waiting request or stream 503
 * with Retry-After.
 */
public class WatchProblemMappers {
  @ServerExceptionMapper
  public Response invalidWait(InvalidWaitException e) {
    FieldProblem problem = new FieldProblem("wait", e.getMessage());
    return Response.status(422)
        .type(Problem.MEDIA_TYPE)
        .entity(
            new Problem(
                ProblemMappers.INVALID_PARAMETERS,
                "Invalid query parameters",
                422,
                problem.toString(),
                List.of(problem)))
        .build();
  }

  @ServerExceptionMapper
  public Response tooManyWatches(TooManyWatchesException e) {
    return Response.status(503)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(ProblemMappers.UNAVAILABLE, "Service Unavailable", 503, e.getMessage()))
        .build();
  }
}
