package dev.tessera.gateway.auth;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.a1111.SdApiCredentials;
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
 * exists. The A1111-compatible API ({@code /sdapi/...}) takes the key as A1111's clients send
 * credentials too (see {@link SdApiCredentials}). Health, metrics and the OpenAPI document stay
 * open.
 */
public class ApiKeyFilter {
  /** The problem type of a request without a valid key. */
  public static final String UNAUTHORIZED = "urn:tessera:problem:unauthorized";

  private static final String BEARER = "Bearer ";

  @Inject TenantKeys tenants;
  @Inject CurrentTenant current;

  /** Whether requests to {@code path} must name their tenant. */
  public static boolean protects(String path) {
    return path.startsWith("/v1/") || path.equals("/v1") || SdApiCredentials.covers(path);
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Optional<Response> authenticate(ContainerRequestContext request) throws SQLException {
    String path = request.getUriInfo().getPath();
    if (!protects(path)) {
      return Optional.empty();
    }
    boolean sdApi = SdApiCredentials.covers(path);
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    Optional<String> key = sdApi ? SdApiCredentials.key(header) : bearer(header);
    if (key.isEmpty()) {
      return Optional.of(
          unauthorized(
              sdApi
                  ? "send the API key as 'Authorization: Bearer <key>', or as the password of HTTP"
                      + " Basic"
                  : "send the API key as 'Authorization: Bearer <key>'",
              sdApi));
    }
    Optional<Tenant> tenant = tenants.find(key.get());
    if (tenant.isEmpty()) {
      return Optional.of(unauthorized("the API key is unknown or revoked", sdApi));
    }
    current.set(tenant.get());
    return Optional.empty();
  }

  private static Optional<String> bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    return Optional.of(header.substring(BEARER.length()).trim());
  }

  private static Response unauthorized(String detail, boolean sdApi) {
    return Response.status(401)
        .header(
            HttpHeaders.WWW_AUTHENTICATE,
            sdApi ? SdApiCredentials.CHALLENGE : "Bearer realm=\"tessera\"")
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(UNAUTHORIZED, "Unauthorized", 401, detail))
        .build();
  }
}
