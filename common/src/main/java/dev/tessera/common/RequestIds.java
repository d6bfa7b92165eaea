package dev.tessera.common;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The id of the HTTP request that submitted a job, as it travels with the job: in the jobs row
 * ({@code request_id}), in a Kafka header of the job's record and of every event about it, and in
 * each service's log context while it works on the job, so one job's lines share it across the
 * farm.
 */
public final class RequestIds {
  /** The Kafka header of a job's record and its events. */
  public static final String KAFKA_HEADER = "tessera-request-id";

  /** The log context's key; the services' log formats print it as {@code %X{request_id}}. */
  public static final String LOG_KEY = "request_id";

  private RequestIds() {}

  /** The id a record carries, or null. */
  public static String from(Headers headers) {
    Header header = headers.lastHeader(KAFKA_HEADER);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Adds {@code id} to {@code headers}, unless it is null. */
  public static void addTo(Headers headers, String id) {
    if (id != null) {
      headers.add(KAFKA_HEADER, id.getBytes(StandardCharsets.UTF_8));
    }
  }
}
