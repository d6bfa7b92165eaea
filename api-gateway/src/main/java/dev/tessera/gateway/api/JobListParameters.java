package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.JobState;
import dev.tessera.gateway.jobs.JobCursor;
import dev.tessera.gateway.jobs.JobListing;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads the query of {@code GET /v1/jobs}: {@code batch}, {@code state}, {@code limit} and {@code
 * cursor}, each at most once and not empty. Every bad or unknown parameter is named, so that a typo
 * ({@code ?limt=10}) is not silently a listing of 100.
 */
final class JobListParameters {
  static final String BATCH = "batch";
  static final String STATE = "state";
  static final String LIMIT = "limit";
  static final String CURSOR = "cursor";
  private static final Set<String> KNOWN = Set.of(BATCH, STATE, LIMIT, CURSOR);
  private static final String STATES =
      Arrays.stream(JobState.values()).map(JobState::name).collect(Collectors.joining(", "));

  private JobListParameters() {}

  /**
   * The listing the parameters ask for.
   *
   * @param query the whole query, to find unknown and repeated parameters
   * @throws InvalidParametersException naming every bad parameter
   */
  static JobListing.Query parse(
      String batch,
      String state,
      String limit,
      String cursor,
      MultivaluedMap<String, String> query) {
    List<FieldProblem> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      if (!KNOWN.contains(parameter.getKey())) {
        problems.add(
            new FieldProblem(
                parameter.getKey(),
                "unknown parameter; expected "
                    + BATCH
                    + ", "
                    + STATE
                    + ", "
                    + LIMIT
                    + ", "
                    + CURSOR));
      } else if (parameter.getValue().size() > 1) {
        problems.add(new FieldProblem(parameter.getKey(), "must be given at most once"));
      } else if (parameter.getValue().get(0) == null || parameter.getValue().get(0).isEmpty()) {
        problems.add(new FieldProblem(parameter.getKey(), "must have a value; leave it out"));
      }
    }
    JobListing.Query listing =
        new JobListing.Query(
            batch(batch, problems),
            state(state, problems),
            limit(limit, problems),
            cursor(cursor, problems));
    if (!problems.isEmpty()) {
      throw new InvalidParametersException(problems);
    }
    return listing;
  }

  private static UUID batch(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!Ids.canonical(value)) {
      problems.add(new FieldProblem(BATCH, "must be a batch id, a UUID such as " + Ids.EXAMPLE));
      return null;
    }
    return UUID.fromString(value);
  }

  private static JobState state(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return JobState.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(
          new FieldProblem(STATE, "unknown state '" + value + "', expected one of " + STATES));
      return null;
    }
  }

  private static int limit(String value, List<FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return JobListing.DEFAULT_LIMIT;
    }
    String range = "must be an integer between 1 and " + JobListing.MAX_LIMIT + ", got '" + value;
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= JobListing.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // named below, as a number out of range is
    }
    problems.add(new FieldProblem(LIMIT, range + "'"));
    return JobListing.DEFAULT_LIMIT;
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
