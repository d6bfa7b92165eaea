package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.webhooks.DeliveryListing;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;

/**
 * Reads the query of {@code GET /v1/webhooks/deliveries}: {@code job}, {@code limit} and {@code
 * cursor}, each at most once and not empty; every bad or unknown parameter is named, as {@code GET
 * /v1/jobs} names them.
 */
final class DeliveryListParameters {
  static final String JOB = "job";
  private static final List<String> KNOWN = List.of(JOB, ListQuery.LIMIT, ListQuery.CURSOR);

  private DeliveryListParameters() {}

  /**
   * The listing the parameters ask for.
   *
   * @param query the whole query, to find unknown and repeated parameters
   * @throws InvalidParametersException naming every bad parameter
   */
  static DeliveryListing.Query parse(
      String job, String limit, String cursor, MultivaluedMap<String, String> query) {
    List<FieldProblem> problems = ListQuery.problems(query, KNOWN);
    DeliveryListing.Query listing =
        new DeliveryListing.Query(
            ListQuery.id(JOB, job, "job", problems),
            ListQuery.limit(
                limit, DeliveryListing.DEFAULT_LIMIT, DeliveryListing.MAX_LIMIT, problems),
            ListQuery.cursor(cursor, problems));
    if (!problems.isEmpty()) {
      throw new InvalidParametersException(problems);
    }
    return listing;
  }
}
