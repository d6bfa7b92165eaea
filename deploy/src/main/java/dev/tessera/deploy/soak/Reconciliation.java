package dev.tessera.deploy.soak;

import dev.tessera.common.JobState;
import dev.tessera.common.JobStateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What every store says after a soak: the jobs' states and attempts (PostgreSQL), their result
 * objects (the S3 server's files), and every state change the scheduler made, recorded by a trigger
 * the soak installs in the farm's database before the first job ({@link #installAudit}).
 *
 * @param accepted jobs the gateway accepted (202)
 * @param states jobs per state, as the database has them
 * @param attempts jobs per number of dispatches
 * @param lost accepted jobs that have no row, or did not end
 * @param doubled jobs with a stage timed more than once, custom ids stored more than once, or jobs
 *     of no accepted batch
 * @param missingResults SUCCEEDED jobs without their result object
 * @param orphans result objects without a SUCCEEDED job
 * @param transitions state changes recorded
 * @param forbidden state changes the state machine does not allow, as {@code FROM->TO x count}
 */
public record Reconciliation(
    int accepted,
    Map<String, Integer> states,
    Map<Integer, Integer> attempts,
    int lost,
    int doubled,
    int missingResults,
    int orphans,
    long transitions,
    List<String> forbidden) {

  /** Whether nothing was lost, doubled, left without its result, or changed against the rules. */
  public boolean clean() {
    return lost == 0 && doubled == 0 && missingResults == 0 && orphans == 0 && forbidden.isEmpty();
  }

  /**
   * Installs the audit of state changes: a table {@code soak_transitions} and a trigger on {@code
   * jobs} that records each change of {@code state}, numbered in the order they were made ({@code
   * seq}). The soak's farm is its own; nothing else reads these.
   */
  public static void installAudit(Connection db) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(
          "CREATE TABLE soak_transitions (seq bigserial PRIMARY KEY, job_id uuid NOT NULL,"
              + " from_state text NOT NULL, to_state text NOT NULL)");
      s.execute(
          "CREATE FUNCTION soak_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$"
              + " BEGIN INSERT INTO soak_transitions (job_id, from_state, to_state)"
              + " VALUES (NEW.id, OLD.state, NEW.state);"
              + " RETURN NEW; END $$");
      s.execute(
          "CREATE TRIGGER soak_transitions AFTER UPDATE OF state ON jobs FOR EACH ROW"
              + " WHEN (OLD.state IS DISTINCT FROM NEW.state)"
              + " EXECUTE FUNCTION soak_record_transition()");
    }
  }

  /**
   * Counts what the stores say about the jobs of {@code batches} ({@code accepted} jobs in all),
   * whose results are files under {@code results} ({@code results/<job-id>.png} in the bucket's
   * directory of the embedded S3 server).
   */
  public static Reconciliation of(Connection db, List<UUID> batches, int accepted, Path results)
      throws SQLException, IOException {
    UUID[] ids = batches.toArray(UUID[]::new);
    Map<String, Integer> states = new TreeMap<>();
    Map<Integer, Integer> attempts = new TreeMap<>();
    Set<UUID> succeeded = new HashSet<>();
    int rows = 0;
    int unended = 0;
    try (PreparedStatement q =
        db.prepareStatement("SELECT id, state, attempt FROM jobs WHERE batch_id = ANY (?)")) {
      q.setArray(1, db.createArrayOf("uuid", ids));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          rows++;
          JobState state = JobState.valueOf(rs.getString(2));
          states.merge(state.name(), 1, Integer::sum);
          attempts.merge(rs.getInt(3), 1, Integer::sum);
          if (!JobStateMachine.next(state).isEmpty()) {
            unended++;
          }
          if (state == JobState.SUCCEEDED) {
            succeeded.add(rs.getObject(1, UUID.class));
          }
        }
      }
    }
    int doubled =
        count(
                db,
                "SELECT count(DISTINCT job_id) FROM (SELECT t.job_id FROM job_timings t"
                    + " JOIN jobs j ON j.id = t.job_id WHERE j.batch_id = ANY (?)"
                    + " GROUP BY t.job_id, t.stage HAVING count(*) > 1) d",
                ids)
            + count(
                db,
                "SELECT count(*) FROM (SELECT custom_id FROM jobs WHERE batch_id = ANY (?)"
                    + " GROUP BY custom_id HAVING count(*) > 1) d",
                ids)
            // The soak is the farm's only client: a job of no accepted batch is a submission
            // stored twice (a retry that created a second batch).
            + count(
                db,
                "SELECT count(*) FROM jobs WHERE batch_id IS NULL OR NOT batch_id = ANY (?)",
                ids);
    Set<UUID> stored = storedResults(results);
    int missing = (int) succeeded.stream().filter(id -> !stored.contains(id)).count();
    int orphans = (int) stored.stream().filter(id -> !succeeded.contains(id)).count();
    return new Reconciliation(
        accepted,
        states,
        attempts,
        Math.max(0, accepted - rows) + unended,
        doubled,
        missing,
        orphans,
        transitions(db),
        forbidden(db));
  }

  private static int count(Connection db, String sql, UUID[] ids) throws SQLException {
    try (PreparedStatement q = db.prepareStatement(sql)) {
      q.setArray(1, db.createArrayOf("uuid", ids));
      try (ResultSet rs = q.executeQuery()) {
        int total = 0;
        while (rs.next()) {
          total += rs.getInt(1);
        }
        return total;
      }
    }
  }

  private static long transitions(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM soak_transitions")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> forbidden(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT from_state, to_state, count(*) FROM soak_transitions"
                    + " GROUP BY from_state, to_state ORDER BY 1, 2")) {
      List<String> forbidden = new ArrayList<>();
      while (rs.next()) {
        JobState from = JobState.valueOf(rs.getString(1));
        JobState to = JobState.valueOf(rs.getString(2));
        if (!JobStateMachine.allows(from, to)) {
          forbidden.add(from + "->" + to + " x" + rs.getLong(3));
        }
      }
      return forbidden;
    }
  }

  /** The job ids of the result files, {@code <job-id>.png}, under {@code results}. */
  private static Set<UUID> storedResults(Path results) throws IOException {
    Set<UUID> ids = new HashSet<>();
    if (!Files.isDirectory(results)) {
      return ids;
    }
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".png")) {
          ids.add(UUID.fromString(name.substring(0, name.length() - ".png".length())));
        }
      }
    }
    return ids;
  }
}
