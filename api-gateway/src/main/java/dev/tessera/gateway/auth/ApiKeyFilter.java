package dev.tessera.gateway.auth;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.api.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request to the API ({@code /v1/...}) names its tenant with {@code Authorization: Bearer
 * <key>}; a missing, malformed, unknown or revoked key answers 401 (problem+json, {@code
 * WWW-Authenticate: Bearer}), before any job is looked at, so the answer never hints whether a job
 * exists. Health, metrics and the OpenAPI document stay open.
 */
public class ApiKeyFilter {
  /** The problem type of a request without a valid key. */
  public static final String UNAUTHORIZED = "urn:tessera:problem:unauthorized";

  private static final String BEARER = "Bearer ";

  @Inject TenantStore tenants;
  @Inject CurrentTenant current;

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Optional<Response> authenticate(ContainerRequestContext request) throws SQLException {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/v1/") && !path.equals("/v1")) {
      return Optional.empty();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(unauthorized("send the API key as 'Authorization: Bearer <key>'"));
    }
    Optional<Tenant> tenant = tenants.findByKey(header.substring(BEARER.length()).trim());
    if (tenant.isEmpty()) {
      return Optional.of(unauthorized("the API key is unknown or revoked"));
    }
    current.set(tenant.get());
    return Optional.empty();
  }

  private static Response unauthorized(String detail) {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tessera\"")
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(UNAUTHORIZED, "Unauthorized", 401, detail))
        .build();
  }
}
