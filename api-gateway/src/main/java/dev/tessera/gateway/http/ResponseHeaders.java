package dev.tessera.gateway.http;

import dev.tessera.gateway.config.GatewayConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.MDC;

/**
 * Headers on every answer of the gateway, errors included (a route ahead of all others adds them as
 * the answer's headers are written, whoever wrote it): the request's id ({@link RequestId}), and
 * the usual security headers:
 *
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}, {@code
 *       X-Frame-Options: DENY};
 *   <li>{@code Content-Security-Policy: default-src 'none'; frame-ancestors 'none'} on every answer
 *       but HTML pages, which set their own (they may need scripts and styles);
 *   <li>{@code Cache-Control: no-store} on answers to requests carrying credentials (their bodies
 *       are the tenant's: result URLs, webhook secrets), unless the answer set its own;
 *   <li>{@code Strict-Transport-Security} when the request came over TLS (directly, or through a
 *       proxy Quarkus trusts to say so) and {@code tessera.http.hsts-max-age} is not zero.
 * </ul>
 *
 * Answers the HTTP server gives before any route runs (a request line or headers over its limits:
 * 414, 431; a request that is not HTTP: 400) carry none of these.
 */
@ApplicationScoped
public class ResponseHeaders {
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

  @Inject GatewayConfig config;

  void install(@Observes Router router) {
    long hsts = config.http().hstsMaxAge().toSeconds();
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2)
        .handler(
            context -> {
              String id = RequestId.accept(context.request().getHeader(RequestId.HEADER));
              MDC.put(RequestId.LOG_KEY, id);
              context.addHeadersEndHandler(ignored -> add(context, id, hsts));
              context.next();
            });
  }

  private static void add(RoutingContext context, String requestId, long hstsSeconds) {
    MultiMap headers = context.response().headers();
    headers.set(RequestId.HEADER, requestId);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null || !type.startsWith("text/html")) {
      headers.set("Content-Security-Policy", API_CSP);
    }
    if (context.request().getHeader(HttpHeaderNames.AUTHORIZATION) != null
        && !headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
      headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }
    if (hstsSeconds > 0 && "https".equals(context.request().scheme())) {
      headers.set("Strict-Transport-Security", "max-age=" + hstsSeconds);
    }
  }
}
