package dev.tessera.gateway.quota;

import dev.tessera.gateway.api.Problem;
import dev.tessera.gateway.auth.ApiKeyFilter;
import dev.tessera.gateway.auth.CurrentTenant;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Holds each tenant to its request rate on the API: a request past it answers 429 problem+json with
 * {@code Retry-After}, before it does any work. Runs after {@link ApiKeyFilter}, on the paths it
 * protects.
 */
public class RateLimitFilter {
  /** The problem type of a request refused by a tenant's limit. */
  public static final String TOO_MANY_REQUESTS = "urn:tessera:problem:too-many-requests";

  @Inject CurrentTenant tenant;
  @Inject RateLimiter limiter;

  @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
  public Optional<Response> limit(ContainerRequestContext request) {
    if (!ApiKeyFilter.protects(request.getUriInfo().getPath())) {
      return Optional.empty();
    }
    return limiter
        .take(tenant.get().id(), tenant.get().ratePerSecond(), System.nanoTime())
        .map(
            wait ->
                tooMany(
                    wait,
                    "tenant "
                        + tenant.get().name()
                        + " may make "
                        + tenant.get().ratePerSecond()
                        + " requests a second"));
  }

  /** A 429 answer that tells the client when to come back. */
  public static Response tooMany(Duration wait, String detail) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return Response.status(429)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(TOO_MANY_REQUESTS, "Too Many Requests", 429, detail))
        .build();
  }
}
