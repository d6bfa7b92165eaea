package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.jobs.JobCursor;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What every listing's query shares ({@code GET /v1/jobs}, {@code GET /v1/webhooks/deliveries}):
 * each parameter known, given at most once and not empty, and {@code limit} and {@code cursor} read
 * the same way. Every problem is collected, so that all are named at once.
 */
final class ListQuery {
  static final String LIMIT = "limit";
  static final String CURSOR = "cursor";

  private ListQuery() {}

  /** The problems of the query's parameters as such: unknown, repeated or empty ones. */
  static List<FieldProblem> problems(MultivaluedMap<String, String> query, List<String> known) {
    List<FieldProblem> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      if (!known.contains(parameter.getKey())) {
        problems.add(
            new FieldProblem(
                parameter.getKey(), "unknown parameter; expected " + String.join(", ", known)));
      } else if (parameter.getValue().size() > 1) {
        problems.add(new FieldProblem(parameter.getKey(), "must be given at most once"));
      } else if (parameter.getValue().get(0) == null || parameter.getValue().get(0).isEmpty()) {
        problems.add(new FieldProblem(parameter.getKey(), "must have a value; leave it out"));
      }
    }
    return problems;
  }

  /** Parameter {@code name} as the id of a {@code what} (e.g. "batch"), or null when absent. */
  static UUID id(String name, String value, String what, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!Ids.canonical(value)) {
      problems.add(
          new FieldProblem(name, "must be a " + what + " id, a UUID such as " + Ids.EXAMPLE));
      return null;
    }
    return UUID.fromString(value);
  }

  /** {@code limit}: 1 to {@code max}, {@code standard} when absent. */
  static int limit(String value, int standard, int max, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return standard;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // named below, as a number out of range is
    }
    problems.add(
        new FieldProblem(
            LIMIT, "must be an integer between 1 and " + max + ", got '" + value + "'"));
    return standard;
  }

  /** {@code cursor}, or null when absent. */
  static JobCursor cursor(String value, List<FieldProblem> problems) {
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
