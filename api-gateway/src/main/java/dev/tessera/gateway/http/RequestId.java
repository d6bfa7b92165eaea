package dev.tessera.gateway.http;

import dev.tessera.common.RequestIds;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * A request's id: the client's {@code X-Request-Id} when it is a plain token, else one made here.
 * It is returned in the answer, put in the log context (every line logged for the request carries
 * it, see {@code quarkus.log.console.format}) and stored with the jobs the request creates, so the
 * scheduler's and the workers' lines about those jobs carry it too.
 */
public final class RequestId {
  public static final String HEADER = "X-Request-Id";

  /** The log context's key; the services' log formats print it as {@code %X{request_id}}. */
  public static final String LOG_KEY = RequestIds.LOG_KEY;

  /**
   * What a client's id may hold: letters, digits and {@code . _ : + = @ / -}, up to 128 of them.
   * Anything else (CR and LF above all, which would forge log lines) is replaced, not refused, so
   * that a client's odd id never costs it its request.
   */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:+=@/-]{1,128}");

  private RequestId() {}

  /** The client's {@code header} when acceptable, else a new random id. */
  public static String accept(String header) {
    return header != null && ACCEPTED.matcher(header).matches()
        ? header
        : UUID.randomUUID().toString();
  }

  /** The id of the request being served on this thread, or null outside a request. */
  public static String current() {
    Object id = MDC.get(LOG_KEY);
    return id == null ? null : id.toString();
  }
}
