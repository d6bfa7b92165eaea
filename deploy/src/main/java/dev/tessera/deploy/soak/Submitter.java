package dev.tessera.deploy.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.deploy.farm.FarmClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Submits a soak's jobs, a batch at a time, as a careful client does while the gateway may be
 * killed: each batch under its own {@code Idempotency-Key}, sent again with the same key until it
 * is accepted. A batch whose answer never came (the gateway died before or after its commit), or
 * came 409 (its first request is still in flight), 429 or 5xx, is retried; the gateway's stored
 * answer makes a retry of a committed batch create nothing. Not thread-safe: one soak thread
 * submits.
 */
final class Submitter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final FarmClient client;
  private final int jobs;
  private final int perBatch;
  private final int steps;
  private final List<UUID> batches = new ArrayList<>();
  private int submitted;
  private int retries;
  private int replayed;
  private String lastProblem;

  /** {@code jobs} jobs of {@code steps} steps, in batches of {@code perBatch}. */
  Submitter(FarmClient client, int jobs, int perBatch, int steps) {
    this.client = client;
    this.jobs = jobs;
    this.perBatch = perBatch;
    this.steps = steps;
  }

  /** Whether every job has been submitted and accepted. */
  boolean done() {
    return submitted == jobs;
  }

  /**
   * Submits the next batch, retrying it until it is accepted or {@code deadline} ({@link
   * System#nanoTime}) passes.
   *
   * @throws IOException when the gateway refuses the batch for good (4xx other than 409), or the
   *     deadline passed
   */
  void submitNext(long deadline) throws IOException {
    int count = Math.min(perBatch, jobs - submitted);
    ObjectNode batch = batch(submitted, count);
    String key = UUID.randomUUID().toString();
    while (true) {
      HttpResponse<String> answer;
      try {
        answer = client.submitBatch(batch, key);
      } catch (IOException e) {
        answer = null;
        lastProblem = "no answer (" + e.getMessage() + ")";
      }
      if (answer != null) {
        int status = answer.statusCode();
        if (status == 202) {
          if (answer.headers().firstValue("Idempotent-Replayed").isPresent()) {
            replayed++;
          }
          batches.add(UUID.fromString(JSON.readTree(answer.body()).path("id").asText()));
          submitted += count;
          return;
        }
        if (status != 409 && status != 429 && status < 500) {
          throw new IOException("gateway refused a soak batch: " + status + " " + answer.body());
        }
        lastProblem = "answered " + status;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "a soak batch was not accepted in time; the gateway last gave " + lastProblem);
      }
      retries++;
      pause();
    }
  }

  private ObjectNode batch(int from, int count) {
    ObjectNode batch = JsonNodeFactory.instance.objectNode();
    batch
        .putObject("defaults")
        .put("steps", steps)
        .put("width", 64)
        .put("height", 64)
        .put("upscale", "none");
    ArrayNode items = batch.putArray("items");
    for (int i = from; i < from + count; i++) {
      items
          .addObject()
          .put("custom_id", "soak-" + i)
          .put("prompt", "a soak job " + i)
          .put("seed", i);
    }
    return batch;
  }

  /** The accepted batches' ids, in order. */
  List<UUID> batches() {
    return List.copyOf(batches);
  }

  /** Requests sent again after no answer, a 409, 429 or 5xx. */
  int retries() {
    return retries;
  }

  /** Accepted answers that were replays of a committed request (the gateway died after commit). */
  int replayed() {
    return replayed;
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while submitting the soak's jobs", e);
    }
  }
}
