package dev.tessera.deploy.farm;

import dev.tessera.deploy.stack.ServiceStack;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * When each job of a run started and ended, and on which worker, as the scheduler recorded it; and
 * what that says of the workers: their busy time, the gaps between one job's end and the next one's
 * start while jobs were queued, and their utilisation (busy time ÷ wall time while jobs were
 * queued). Read by the end-to-end tests and {@code ./farm load}.
 *
 * @param runs one entry per job, in the order they started
 */
public record JobTimeline(List<Run> runs) {
  /**
   * One job: the attempt that ran it last ({@code attempts} counts dispatches), on {@code worker}.
   *
   * @param started when that attempt started rendering, or null if it never did
   * @param finished when the job ended, or null if it has not
   */
  public record Run(
      UUID id,
      String worker,
      int attempts,
      String state,
      Instant created,
      Instant started,
      Instant finished) {
    /** Rendering time of the attempt that ran it last. */
    public Duration busy() {
      return started == null || finished == null
          ? Duration.ZERO
          : Duration.between(started, finished);
    }
  }

  /** Reads the jobs {@code ids} from the database of {@code stack}. */
  public static JobTimeline read(ServiceStack stack, Collection<UUID> ids) throws IOException {
    List<Run> runs = new ArrayList<>();
    try (Connection db = stack.connect();
        PreparedStatement query =
            db.prepareStatement(
                "SELECT id, worker_id, attempt, state, created_at, started_at,"
                    + " finished_at FROM jobs WHERE id = ANY (?)")) {
      query.setQueryTimeout(30);
      query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          runs.add(
              new Run(
                  row.getObject(1, UUID.class),
                  row.getString(2),
                  row.getInt(3),
                  row.getString(4),
                  instant(row.getTimestamp(5)),
                  instant(row.getTimestamp(6)),
                  instant(row.getTimestamp(7))));
        }
      }
    } catch (SQLException e) {
      throw new IOException(
          "cannot read the jobs' timeline from " + stack.jdbcUrl() + ": " + e.getMessage(), e);
    }
    if (runs.size() != ids.size()) {
      throw new IOException(
          "found " + runs.size() + " of " + ids.size() + " jobs in " + stack.jdbcUrl());
    }
    runs.sort(Comparator.comparing(Run::started, Comparator.nullsLast(Comparator.naturalOrder())));
    return new JobTimeline(List.copyOf(runs));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** From the first job's submission to the last one's end. */
  public Duration wall() {
    Instant first = runs.stream().map(Run::created).min(Comparator.naturalOrder()).orElseThrow();
    Instant last =
        runs.stream()
            .map(Run::finished)
            .filter(f -> f != null)
            .max(Comparator.naturalOrder())
            .orElseThrow();
    return Duration.between(first, last);
  }

  /** The workers that finished jobs, by name. */
  public List<String> workers() {
    return runs.stream().map(Run::worker).filter(w -> w != null).distinct().sorted().toList();
  }

  /** The finished runs of {@code worker}, in the order they started. */
  public List<Run> on(String worker) {
    return runs.stream()
        .filter(r -> worker.equals(r.worker()) && r.started() != null && r.finished() != null)
        .toList();
  }

  /** The summed rendering time of the jobs {@code worker} finished. */
  public Duration busy(String worker) {
    return on(worker).stream().map(Run::busy).reduce(Duration.ZERO, Duration::plus);
  }

  /** When the last job started: until then at least one job was queued. */
  private Instant lastStart() {
    return runs.stream()
        .map(Run::started)
        .filter(s -> s != null)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }

  /**
   * The share of the time from {@code worker}'s first start until the last job of the run started
   * (while jobs were queued) that {@code worker} spent rendering; 1 when it never waited.
   */
  public double utilisation(String worker) {
    List<Run> mine = on(worker);
    Instant from = mine.get(0).started();
    Instant until = lastStart();
    long window = Duration.between(from, until).toNanos();
    if (window <= 0) {
      return 1;
    }
    long busy = 0;
    for (Run r : mine) {
      Instant end = r.finished().isBefore(until) ? r.finished() : until;
      busy += Math.max(0, Duration.between(r.started(), end).toNanos());
    }
    return (double) busy / window;
  }

  /**
   * The longest wait of {@code worker} between one job's end and its next start, while that next
   * job was queued.
   */
  public Duration longestGap(String worker) {
    List<Run> mine = on(worker);
    Duration longest = Duration.ZERO;
    for (int i = 1; i < mine.size(); i++) {
      Run previous = mine.get(i - 1);
      Run next = mine.get(i);
      if (!next.created().isAfter(previous.finished())) {
        Duration gap = Duration.between(previous.finished(), next.started());
        longest = gap.compareTo(longest) > 0 ? gap : longest;
      }
    }
    return longest;
  }

  /** A table of the figures, per worker, and the wall time. */
  public String report() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-10s %5s %10s %12s %12s%n",
                "worker",
                "jobs",
                "busy s",
                "longest gap",
                "utilisation"));
    for (String worker : workers()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-10s %5d %10.1f %10.2f s %12.3f%n",
              worker,
              on(worker).size(),
              busy(worker).toMillis() / 1e3,
              longestGap(worker).toMillis() / 1e3,
              utilisation(worker)));
    }
    long repeated = runs.stream().filter(r -> r.attempts() > 1).count();
    out.append(
        String.format(
            Locale.ROOT,
            "%d jobs in %.1f s wall; %d dispatched more than once%n",
            runs.size(),
            wall().toMillis() / 1e3,
            repeated));
    return out.toString();
  }
}
