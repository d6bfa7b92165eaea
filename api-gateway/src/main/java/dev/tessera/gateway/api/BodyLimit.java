package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body announced (by {@code Content-Length}) as larger than {@code
 * quarkus.http.limits.max-body-size} with a 413 problem, ahead of Quarkus's own check, which
 * answers with an empty body. A chunked body that grows past the limit is still cut off by Quarkus,
 * with its bare 413.
 */
@ApplicationScoped
public class BodyLimit {
  @Inject ObjectMapper mapper;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  MemorySize limit;

  void install(@Observes Router router) throws JsonProcessingException {
    long max = limit.asLongValue();
    String body =
        mapper.writeValueAsString(
            Problem.of(
                "about:blank",
                "Content Too Large",
                413,
                "the body must not exceed " + max + " bytes"));
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
        .handler(
            context -> {
              if (declaredLength(context) > max) {
                // Like Quarkus's own check: answer without reading the body, then drop the
                // connection it would clog.
                context
                    .response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaderNames.CONNECTION, "close")
                    .endHandler(ignored -> context.request().connection().close())
                    .end(body);
              } else {
                context.next();
              }
            });
  }

  private static long declaredLength(RoutingContext context) {
    String length = context.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1; // a malformed header is the HTTP server's business, not a size problem
    }
  }
}
