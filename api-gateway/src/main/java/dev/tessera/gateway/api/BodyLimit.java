package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.gateway.config.GatewayConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
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
 *       problem at once, ahead of Quarkus's own check, which answers with an empty body; the rest
 *       of the body is then read and dropped (when announced at most {@value #DISCARD_FACTOR} times
 *       the limit, for at most {@value #DRAIN_MILLIS} ms) before the connection closes, so that a
 *       client still sending reads the answer rather than a reset;
 *   <li>a chunked body is read here, up to its limit, and refused with the same 413 problem once it
 *       grows past it.
 * </ul>
 */
@ApplicationScoped
public class BodyLimit {
  private static final String BATCHES = "/v1/batches";

  /** How far past its limit a chunked body is read (and discarded) before the connection drops. */
  private static final int DISCARD_FACTOR = 4;

  /** How long the rest of a refused body is read and dropped before the connection drops. */
  private static final long DRAIN_MILLIS = 3_000;

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
              long declared = declaredLength(context);
              if (declared > DISCARD_FACTOR * limit.bytes()) {
                // Like Quarkus's own check, but with a problem for a body.
                tooLarge(context, limit);
              } else if (declared > limit.bytes()) {
                tooLargeThenDrain(context, limit);
              } else {
                context.next();
              }
            });
    // Runs after Quarkus's check, which gives a chunked body the largest limit: the body is read
    // here, up to its own limit, and the resource takes it from the context.
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1)
        .handler(
            context -> {
              if (isChunked(context)) {
                readChunked(context, isBatch(context) ? batch : plain);
              } else {
                context.next();
              }
            });
  }

  /**
   * Reads a chunked body into the context, for the resource. One over the limit is discarded as it
   * comes and answered with the 413 problem once the client has sent it all, so that the client,
   * still sending, reads the answer; or at once, dropping the connection, when it goes on past
   * {@value #DISCARD_FACTOR} times the limit.
   */
  private static void readChunked(RoutingContext context, Limit limit) {
    HttpServerRequest request = context.request();
    Buffer body = Buffer.buffer();
    long[] read = {0};
    boolean[] answered = {false};
    request.handler(
        chunk -> {
          read[0] += chunk.length();
          if (read[0] <= limit.bytes()) {
            body.appendBuffer(chunk);
          } else if (read[0] > DISCARD_FACTOR * limit.bytes() && !answered[0]) {
            answered[0] = true;
            tooLarge(context, limit);
          }
        });
    request.exceptionHandler(context::fail);
    request.endHandler(
        ignored -> {
          if (answered[0]) {
            return;
          }
          if (read[0] > limit.bytes()) {
            tooLarge(context, limit);
          } else {
            context.setBody(body);
            context.next();
          }
        });
    request.resume();
  }

  /**
   * Answers 413 at once, then reads and drops the rest of the body, closing the connection when it
   * has all come or after {@value #DRAIN_MILLIS} ms. Closing at once instead, with the client's
   * bytes still arriving, makes the kernel reset the connection, and the client may lose the
   * answer.
   */
  private static void tooLargeThenDrain(RoutingContext context, Limit limit) {
    HttpServerRequest request = context.request();
    boolean[] closed = {false};
    Runnable close =
        () -> {
          if (!closed[0]) {
            closed[0] = true;
            request.connection().close();
          }
        };
    long timer = context.vertx().setTimer(DRAIN_MILLIS, id -> close.run());
    request.handler(dropped -> {});
    request.exceptionHandler(failure -> close.run());
    request.endHandler(
        ignored -> {
          context.vertx().cancelTimer(timer);
          close.run();
        });
    request.resume();
    answer(context, limit);
  }

  /** Answers 413 without reading the rest of the body, then drops the connection it would clog. */
  private static void tooLarge(RoutingContext context, Limit limit) {
    context.response().endHandler(ignored -> context.request().connection().close());
    answer(context, limit);
  }

  private static void answer(RoutingContext context, Limit limit) {
    context
        .response()
        .setStatusCode(413)
        .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaderNames.CONNECTION, "close")
        .end(limit.problem());
  }

  /** A body sent in chunks, whose size is known only once it has been read. */
  private static boolean isChunked(RoutingContext context) {
    return declaredLength(context) < 0
        && context.request().getHeader(HttpHeaderNames.TRANSFER_ENCODING) != null;
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
