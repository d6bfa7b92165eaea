package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.jobs.JobCursor;
import dev.tessera.gateway.webhooks.DeliveryListing;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the query of {@code GET /v1/webhooks/deliveries}: {@code job}, {@code limit} and {@code
 * cursor}, each at most once and not empty; every bad or unknown parameter is named, as {@code GET
 * /v1/jobs} names them.
 */
final class DeliveryListParameters {
  static final String JOB = "job";
  static final String LIMIT = "limit";
  static final String CURSOR = "cursor";
  private static final Set<String> KNOWN = Set.of(JOB, LIMIT, CURSOR);

  private DeliveryListParameters() {}

  /**
   * The listing the parameters ask for.
   *
   * @param query the whole query, to find unknown and repeated parameters
   * @throws InvalidParametersException naming every bad parameter
   */
  static DeliveryListing.Query parse(
      String job, String limit, String cursor, MultivaluedMap<String, String> query) {
    List<FieldProblem> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      if (!KNOWN.contains(parameter.getKey())) {
        problems.add(
            new FieldProblem(
                parameter.getKey(),
                "unknown parameter; expected " + JOB + ", " + LIMIT + ", " + CURSOR));
      } else if (parameter.getValue().size() > 1) {
        problems.add(new FieldProblem(parameter.getKey(), "must be given at most once"));
      } else if (parameter.getValue().get(0) == null || parameter.getValue().get(0).isEmpty()) {
        problems.add(new FieldProblem(parameter.getKey(), "must have a value; leave it out"));
      }
    }
    DeliveryListing.Query listing =
        new DeliveryListing.Query(
            job(job, problems), limit(limit, problems), cursor(cursor, problems));
    if (!problems.isEmpty()) {
      throw new InvalidParametersException(problems);
    }
    return listing;
  }

  private static UUID job(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!Ids.canonical(value)) {
      problems.add(new FieldProblem(JOB, "must be a job id, a UUID such as " + Ids.EXAMPLE));
      return null;
    }
    return UUID.fromString(value);
  }

  private static int limit(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return DeliveryListing.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= DeliveryListing.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // named below, as a number out of range is
    }
    problems.add(
        new FieldProblem(
            LIMIT,
            "must be an integer between 1 and "
                + DeliveryListing.MAX_LIMIT
                + ", got '"
                + value
                + "'"));
    return DeliveryListing.DEFAULT_LIMIT;
  }

  private static JobCursor cursor(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return JobCursor.decode(value);
    } catch (IllegalArgumentException e) {
      problems.add(new FieldProblem(CURSOR, e.getMessage()));
      return null;
    }
  }
}
