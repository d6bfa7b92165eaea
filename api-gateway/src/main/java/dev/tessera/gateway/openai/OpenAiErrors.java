package dev.tessera.gateway.openai;

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
 * Answers errors of the OpenAI-compatible paths ({@code /v1/images/...}, {@code /v1/models}) in
 * OpenAI's shape, which the OpenAI SDKs read, while the rest of the API keeps RFC 9457 problems.
 * Its own errors ({@link OpenAiException}) are mapped here; every problem the shared filters and
 * mappers answer on these paths (a missing key, a rate limit, a body that is not JSON, a field of
 * the wrong type, a database outage) is turned into the same shape on its way out, keeping its
 * status and headers ({@code Retry-After}).
 */
public class OpenAiErrors {
  /** Tells the OpenAI SDKs not to retry by themselves (they retry 5xx answers otherwise). */
  static final String SHOULD_RETRY = "x-should-retry";

  /**
   * None of these is worth an automatic retry: a bad parameter stays bad, and after a failed job or
   * a timeout a retry would render the images again.
   */
  @ServerExceptionMapper
  public Response openAi(OpenAiException e) {
    return Response.status(e.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header(SHOULD_RETRY, "false")
        .entity(e.toError())
        .build();
  }

  @ServerResponseFilter
  public void problems(ContainerRequestContext request, ContainerResponseContext response) {
    if (covers(request.getUriInfo().getPath()) && response.getEntity() instanceof Problem p) {
      response.setEntity(of(p), new Annotation[0], MediaType.APPLICATION_JSON_TYPE);
      if (p.status() == 422) {
        response.setStatus(400); // OpenAI answers every invalid parameter with a 400
      }
    }
  }

  static boolean covers(String path) {
    return path.startsWith("/v1/images/")
        || path.equals("/v1/models")
        || path.startsWith("/v1/models/");
  }

  /** {@code problem} in OpenAI's words: the error type its status has at OpenAI. */
  static OpenAiError of(Problem problem) {
    int status = problem.status();
    String param =
        problem.errors() == null || problem.errors().isEmpty()
            ? null
            : problem.errors().get(0).field();
    String detail =
        problem.errors() == null || problem.errors().isEmpty()
            ? problem.detail()
            : String.join("; ", problem.errors().stream().map(FieldProblem::toString).toList());
    OpenAiError.Body body;
    if (status == 401) {
      body = new OpenAiError.Body(detail, OpenAiError.INVALID_REQUEST, null, "invalid_api_key");
    } else if (status == 429) {
      body = new OpenAiError.Body(detail, "requests", null, "rate_limit_exceeded");
    } else if (status >= 500) {
      body = new OpenAiError.Body(detail, OpenAiError.SERVER_ERROR, null, null);
    } else {
      body = new OpenAiError.Body(detail, OpenAiError.INVALID_REQUEST, param, null);
    }
    return new OpenAiError(body);
  }
}
