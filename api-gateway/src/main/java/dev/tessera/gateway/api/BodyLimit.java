package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.gateway.config.GatewayConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Each request's body limit: {@code tessera.http.max-batch-body-size} for {@code POST /v1/batches},
 * {@code tessera.http.max-body-size} for every other request. Quarkus's own limit ({@code
 * quarkus.http.limits.max-body-size}) is set to the larger, so it must be narrowed here:
 *
 * <ul>
 *   <li>a body announced (by {@code Content-Length}) as larger than its limit is refused with a 413
 *       problem, ahead of Quarkus's own check, which answers with an empty body;
 *   <li>a chunked body is cut off by Quarkus, with its bare 413, once it grows past the limit this
 *       class sets for it.
 * </ul>
 */
@ApplicationScoped
public class BodyLimit {
  private static final String BATCHES = "/v1/batches";

  @Inject ObjectMapper mapper;

  @Inject GatewayConfig config;

  void install(@Observes Router router) throws JsonProcessingException {
    Limit plain = limit(config.http().maxBodySize().asLongValue());
    Limit batch = limit(config.http().maxBatchBodySize().asLongValue());
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
        .handler(
            context -> {
              Limit limit = isBatch(context) ? batch : plain;
              if (declaredLength(context) > limit.bytes()) {
                // Like Quarkus's own check: answer without reading the body, then drop the
                // connection it would clog.
                context
                    .response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaderNames.CONNECTION, "close")
                    .endHandler(ignored -> context.request().connection().close())
                    .end(limit.problem());
              } else {
                context.next();
              }
            });
    // Runs after Quarkus's check, which gives a chunked body the largest limit.
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1)
        .handler(
            context -> {
              if (declaredLength(context) < 0) {
                long limit = (isBatch(context) ? batch : plain).bytes();
                context.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limit);
              }
              context.next();
            });
  }

  /** A body limit and the problem that refuses a body over it. */
  private record Limit(long bytes, String problem) {}

  private Limit limit(long bytes) throws JsonProcessingException {
    return new Limit(
        bytes,
        mapper.writeValueAsString(
            Problem.of(
                "about:blank",
                "Content Too Large",
                413,
                "the body must not exceed " + bytes + " bytes")));
  }

  private static boolean isBatch(RoutingContext context) {
    return context.request().method() == HttpMethod.POST
        && BATCHES.equals(context.normalizedPath());
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
