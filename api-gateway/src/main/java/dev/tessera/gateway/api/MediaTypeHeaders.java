package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;

/**
 * Refuses a request whose {@code Content-Type} or {@code Accept} header cannot be parsed as media
 * types, with a 400 problem naming the header, before the REST layer fails on it (with a 500).
 */
@ApplicationScoped
public class MediaTypeHeaders {
  @Inject ObjectMapper mapper;

  void install(@Observes Router router) {
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2)
        .handler(
            context -> {
              Optional<String> bad = unparsable(context, HttpHeaderNames.CONTENT_TYPE.toString());
              if (bad.isEmpty()) {
                bad = unparsable(context, HttpHeaderNames.ACCEPT.toString());
              }
              if (bad.isPresent()) {
                refuse(context, bad.get());
              } else {
                context.next();
              }
            });
  }

  /** Why header {@code name} cannot be used, if it cannot: the first value that does not parse. */
  private static Optional<String> unparsable(RoutingContext context, String name) {
    for (String header : context.request().headers().getAll(name)) {
      for (String value : header.split(",")) {
        if (value.isBlank() && name.equals(HttpHeaderNames.ACCEPT.toString())) {
          continue;
        }
        try {
          MediaType.valueOf(value.strip());
        } catch (IllegalArgumentException e) {
          return Optional.of(
              name + ": cannot read '" + shortened(value.strip()) + "' as a media type");
        }
      }
    }
    return Optional.empty();
  }

  private static String shortened(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "…" : value;
  }

  private void refuse(RoutingContext context, String detail) {
    String body;
    try {
      body =
          mapper.writeValueAsString(
              Problem.of(ProblemMappers.INVALID_HEADER, "Invalid Header", 400, detail));
    } catch (JsonProcessingException e) {
      context.fail(e);
      return;
    }
    context
        .response()
        .setStatusCode(400)
        .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .end(body);
  }
}
