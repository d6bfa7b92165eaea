package dev.tessera.gateway.auth;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.a1111.SdApiCredentials;
import dev.tessera.gateway.api.Problem;
import io.quarkus.arc.ClientProxy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
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
 *
 * <p>A kept key ({@link TenantKeys#kept}) is answered where the request is, even on the event loop,
 * so that a non-blocking endpoint such as a status poll needs no worker thread at all; a key that
 * must be read from the database is read on a worker thread.
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

  /** Null to go on with the request, else the 401 answer. */
  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Uni<Response> authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!protects(path)) {
      return Uni.createFrom().nullItem();
    }
    boolean sdApi = SdApiCredentials.covers(path);
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    Optional<String> key = sdApi ? SdApiCredentials.key(header) : bearer(header);
    if (key.isEmpty()) {
      return Uni.createFrom()
          .item(
              unauthorized(
                  sdApi
                      ? "send the API key as 'Authorization: Bearer <key>', or as the password of HTTP"
                          + " Basic"
                      : "send the API key as 'Authorization: Bearer <key>'",
                  sdApi));
    }
    Optional<Tenant> kept = tenants.kept(key.get());
    if (kept.isPresent()) {
      current.set(kept.get());
      return Uni.createFrom().nullItem();
    }
    // The request-scoped bean itself: the lookup may finish on a thread outside the request.
    CurrentTenant holder = ClientProxy.unwrap(current);
    Uni<Response> lookup =
        Uni.createFrom()
            .emitter(
                answer -> {
                  try {
                    answer.complete(admit(tenants.find(key.get()), holder, sdApi));
                  } catch (SQLException e) {
                    answer.fail(e);
                  }
                });
    return Context.isOnEventLoopThread()
        ? lookup.runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        : lookup;
  }

  private static Response admit(Optional<Tenant> tenant, CurrentTenant holder, boolean sdApi) {
    if (tenant.isEmpty()) {
      return unauthorized("the API key is unknown or revoked", sdApi);
    }
    holder.set(tenant.get());
    return null;
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
