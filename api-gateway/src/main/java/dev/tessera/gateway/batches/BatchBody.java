package dev.tessera.gateway.batches;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A batch as the client sent it, read but not yet checked.
 *
 * @param itemsName how errors name the list of jobs: {@code items} (JSON) or {@code lines} (JSONL)
 * @param defaults fields every job gets unless it sets them itself; empty for JSONL
 * @param items the jobs, in the order sent
 */
public record BatchBody(String itemsName, ObjectNode defaults, List<Item> items) {

  /**
   * One job of the batch.
   *
   * @param name how errors name it, e.g. {@code items[17]} or {@code lines[18]}
   * @param fields its fields, {@code custom_id} included; null when it is not a JSON object
   */
  public record Item(String name, ObjectNode fields) {}
}
