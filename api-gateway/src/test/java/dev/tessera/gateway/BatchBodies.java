package dev.tessera.gateway;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Batch bodies for tests: {@code count} jobs named {@code job-00000}, ... */
public final class BatchBodies {
  /** The media type of JSONL batches. */
  public static final String JSONL = "application/x-ndjson";

  private BatchBodies() {}

  /** {@code body} as UTF-8, as a JSONL body must be sent (RestAssured cannot encode the type). */
  public static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** The custom id of job {@code i}. */
  public static String customId(int i) {
    return String.format("job-%05d", i);
  }

  /** A job object with a custom id and a prompt, and {@code extra} fields (JSON, may be empty). */
  public static String job(int i, String extra) {
    return "{\"custom_id\": \""
        + customId(i)
        + "\", \"prompt\": \"prompt number "
        + i
        + "\""
        + (extra.isEmpty() ? "" : ", " + extra)
        + "}";
  }

  /** A JSON batch of {@code count} jobs, job {@code i} given by {@code jobs}. */
  public static String json(String defaults, int count, IntFunction<String> jobs) {
    return "{\"defaults\": "
        + defaults
        + ", \"items\": ["
        + IntStream.range(0, count).mapToObj(jobs).collect(Collectors.joining(",\n"))
        + "]}";
  }

  /** A JSON batch of {@code count} plain jobs. */
  public static String json(int count) {
    return json("{}", count, i -> job(i, ""));
  }

  /** A JSONL batch of {@code count} jobs, one a line. */
  public static String lines(int count, IntFunction<String> jobs) {
    return IntStream.range(0, count).mapToObj(jobs).collect(Collectors.joining("\n")) + "\n";
  }
}
