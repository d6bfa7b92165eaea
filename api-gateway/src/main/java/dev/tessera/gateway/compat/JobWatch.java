package dev.tessera.gateway.compat;

import dev.tessera.common.JobState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Tells when a set of jobs has ended, for the compatibility APIs, which answer a request only with
 * its images. One thread reads the watched jobs that ended, all in one query per tick, however many
 * requests wait: a request waiting minutes holds no thread, and the database sees one short query a
 * tick. Thread-safe.
 */
public final class JobWatch implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JobWatch.class);
  private static final String SELECT_ENDED =
      """
      SELECT id, state, object_key, error FROM jobs
      WHERE id = ANY (?) AND state IN ('SUCCEEDED', 'FAILED', 'CANCELED')""";
  private static final int TIMEOUT_SECONDS = 10;

  private final DataSource dataSource;
  private final ScheduledExecutorService ticker;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

  /**
   * @param tick how often the watched jobs are read while any are watched
   */
  public JobWatch(DataSource dataSource, Duration tick) {
    this.dataSource = dataSource;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "job-watch");
              thread.setDaemon(true);
              return thread;
            });
    ticker.scheduleWithFixedDelay(
        this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * {@code answer} applied, on {@code executor}, to the jobs of {@code ids} (in that order) once
   * all of them ended; when they have not after {@code timeout}, fails with what {@code timedOut}
   * makes. The jobs are not touched either way.
   */
  public <T> CompletableFuture<T> whenEnded(
      List<UUID> ids,
      Duration timeout,
      Executor executor,
      Function<List<EndedJob>, T> answer,
      Supplier<? extends RuntimeException> timedOut) {
    Watch watch = new Watch(List.copyOf(ids), new CompletableFuture<>());
    watches.add(watch);
    return watch
        .result()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((jobs, failure) -> watches.remove(watch))
        .handleAsync(
            (jobs, failure) -> {
              if (failure == null) {
                return answer.apply(jobs);
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              throw cause instanceof TimeoutException
                  ? timedOut.get()
                  : new CompletionException(cause);
            },
            executor);
  }

  /** Says that jobs {@code ids} did not end within {@code timeout}, and where to follow them. */
  public static String stillRendering(List<UUID> ids, Duration timeout) {
    return "the images were not ready within "
        + timeout.toSeconds()
        + " s; the farm goes on rendering them as jobs "
        + ids.stream().map(UUID::toString).collect(Collectors.joining(", "))
        + " (GET /v1/jobs/{id})";
  }

  private void tick() {
    if (watches.isEmpty()) {
      return;
    }
    Set<UUID> ids = new HashSet<>();
    watches.forEach(watch -> ids.addAll(watch.ids()));
    Map<UUID, EndedJob> ended;
    try {
      ended = read(ids);
    } catch (SQLException | RuntimeException e) {
      // The next tick tries again; every wait is bounded by its own timeout.
      LOG.warn("cannot read the states of watched jobs: " + e.getMessage());
      return;
    }
    for (Watch watch : watches) {
      if (ended.keySet().containsAll(watch.ids())) {
        watch.result().complete(watch.ids().stream().map(ended::get).toList());
      }
    }
  }

  private Map<UUID, EndedJob> read(Set<UUID> ids) throws SQLException {
    Map<UUID, EndedJob> ended = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_ENDED)) {
      Array array = connection.createArrayOf("uuid", ids.toArray());
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setArray(1, array);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          UUID id = rows.getObject("id", UUID.class);
          ended.put(
              id,
              new EndedJob(
                  id,
                  JobState.valueOf(rows.getString("state")),
                  rows.getString("object_key"),
                  rows.getString("error")));
        }
      } finally {
        array.free();
      }
    }
    return ended;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  private record Watch(List<UUID> ids, CompletableFuture<List<EndedJob>> result) {}
}
