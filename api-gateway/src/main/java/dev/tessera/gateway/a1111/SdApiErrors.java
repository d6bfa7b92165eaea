package dev.tessera.gateway.a1111;

import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.api.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Answers errors on {@code /sdapi/...} in A1111's shapes (see {@link SdApiException}), which A1111
 * clients print, while the rest of the API keeps RFC 9457 problems. Its own errors are mapped here;
 * a problem the shared filters and mappers answer on these paths (a missing key, a rate limit, a
 * body that is not JSON, a database outage) is turned into the same shapes on its way out, with its
 * status and headers.
 */
public class SdApiErrors {
  @ServerExceptionMapper
  public Response sdApi(SdApiException e) {
    return Response.status(e.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(e.toError())
        .build();
  }

  @ServerResponseFilter
  public void problems(ContainerRequestContext request, ContainerResponseContext response) {
    if (SdApiCredentials.covers(request.getUriInfo().getPath())
        && response.getEntity() instanceof Problem p) {
      response.setEntity(of(p), new Annotation[0], MediaType.APPLICATION_JSON_TYPE);
    }
  }

  /** {@code problem} as A1111 would have answered it. */
  static Object of(Problem problem) {
    if (problem.errors() != null && !problem.errors().isEmpty()) {
      return new SdApiError.Validation(problem.errors().stream().map(SdApiErrors::field).toList());
    }
    return SdApiError.Http.of(problem.status(), "HTTPException", problem.detail());
  }

  private static SdApiError.Field field(FieldProblem problem) {
    return SdApiError.Field.of(problem.detail(), problem.field());
  }
}
