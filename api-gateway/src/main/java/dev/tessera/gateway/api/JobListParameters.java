package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.JobState;
import dev.tessera.gateway.jobs.JobListing;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads the query of {@code GET /v1/jobs}: {@code batch}, {@code state}, {@code limit} and {@code
 * cursor}, each at most once and not empty. Every bad or unknown parameter is named, so that a typo
 * ({@code ?limt=10}) is not silently a listing of 100.
 */
final class JobListParameters {
  static final String BATCH = "batch";
  static final String STATE = "state";
  private static final List<String> KNOWN =
      List.of(BATCH, STATE, ListQuery.LIMIT, ListQuery.CURSOR);
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
    List<FieldProblem> problems = ListQuery.problems(query, KNOWN);
    JobListing.Query listing =
        new JobListing.Query(
            ListQuery.id(BATCH, batch, "batch", problems),
            state(state, problems),
            ListQuery.limit(limit, JobListing.DEFAULT_LIMIT, JobListing.MAX_LIMIT, problems),
            ListQuery.cursor(cursor, problems));
    if (!problems.isEmpty()) {
      throw new InvalidParametersException(problems);
    }
    return listing;
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
}
