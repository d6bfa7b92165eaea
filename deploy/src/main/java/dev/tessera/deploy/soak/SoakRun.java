package dev.tessera.deploy.soak;

import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The soak ({@code ./farm soak}): a fresh local farm renders many cheap jobs (few steps, 64×64, no
 * upscale) while faults are injected every few seconds, then every store is reconciled ({@link
 * Reconciliation}) and a one-screen report printed. The faults go on until the jobs have ended and
 * each listed fault came at least once.
 */
public final class SoakRun {
  /**
   * The soak submits its jobs in this many batches, each once the jobs waiting fall below a batch,
   * so that submissions go on while faults (a gateway killed) come.
   */
  private static final int BATCHES = 10;

  /** Chooses the workers the faults hit: the same soak hits the same ones. */
  private static final long SEED = 12;

  /**
   * What to run.
   *
   * @param jobs cheap jobs to render
   * @param steps denoising steps of each (64×64, no upscale)
   * @param workers render workers
   * @param every a fault every this long; zero injects none
   * @param faults the faults, taken in turn
   * @param timeout how long the jobs may take, faults and all
   */
  public record Options(
      int jobs, int steps, int workers, Duration every, List<Fault> faults, Duration timeout) {
    public Options {
      if (jobs < 1 || workers < 1) {
        throw new IllegalArgumentException("a soak needs at least one job and one worker");
      }
      if (steps < 1 || steps > 500) {
        throw new IllegalArgumentException("--steps: between 1 and 500, got " + steps);
      }
      if (!every.isZero() && faults.isEmpty()) {
        throw new IllegalArgumentException("--kill-every needs at least one fault in --faults");
      }
      faults = List.copyOf(faults);
    }
  }

  /**
   * How the soak's batches went in: {@code batches} accepted, after {@code retries} requests sent
   * again (no answer, 409, 429, 5xx), {@code replayed} of them answered from a committed first
   * request.
   */
  public record Submissions(int batches, int retries, int replayed) {}

  /**
   * The soak's outcome: what was injected, how the jobs went in, what the stores say, how long it
   * took.
   */
  public record Report(
      Map<Fault, Integer> injected,
      Submissions submissions,
      Reconciliation reconciled,
      Duration took) {
    /** The report on one screen. */
    public String text(Options options) {
      StringBuilder out = new StringBuilder();
      Reconciliation r = reconciled;
      out.append(
          String.format(
              Locale.ROOT,
              "soak: %d jobs (%d steps) on %d workers, %s%n",
              options.jobs(),
              options.steps(),
              options.workers(),
              options.every().isZero()
                  ? "no faults"
                  : "a fault every " + options.every().toSeconds() + " s"));
      out.append(
          String.format(
              Locale.ROOT,
              "faults injected: %d (%s)%n",
              injected.values().stream().mapToInt(Integer::intValue).sum(),
              injected.entrySet().stream()
                  .map(e -> e.getKey().label() + " " + e.getValue())
                  .collect(Collectors.joining(", "))));
      out.append(
          String.format(
              Locale.ROOT,
              "jobs: %d accepted in %d batches (%d requests retried, %d answers replayed);"
                  + " by state %s%n",
              r.accepted(),
              submissions.batches(),
              submissions.retries(),
              submissions.replayed(),
              r.states()));
      out.append(String.format(Locale.ROOT, "attempts histogram: %s%n", r.attempts()));
      out.append(
          String.format(
              Locale.ROOT,
              "lost %d, doubled %d, results missing %d, orphan objects %d;"
                  + " %d state changes, forbidden %s%n",
              r.lost(),
              r.doubled(),
              r.missingResults(),
              r.orphans(),
              r.transitions(),
              r.forbidden().isEmpty() ? "0" : r.forbidden()));
      out.append(
          String.format(
              Locale.ROOT,
              "time: %.0f s: %s%n",
              took.toMillis() / 1000.0,
              r.clean() ? "nothing lost, nothing doubled" : "FAILED"));
      return out.toString();
    }
  }

  private SoakRun() {}

  /** Runs the soak on a fresh farm under {@code home}, printing progress and the report. */
  public static Report run(FarmHome home, Options options, PrintStream out) throws IOException {
    long start = System.nanoTime();
    LocalFarm.Options farmOptions =
        LocalFarm.Options.defaults(0)
            .withSchedulerEnv(
                Map.of(
                    // Short leases, so a killed or hung worker's job comes back within the soak;
                    // attempts enough that a job outlives several faults.
                    "TESSERA_LEASE_TIMEOUT", "10s",
                    "TESSERA_LEASE_MAX_ATTEMPTS", "10",
                    "TESSERA_DISPATCH_SWEEP_INTERVAL", "1s",
                    "TESSERA_DISPATCH_START_TIMEOUT", "30s"));
    try (LocalFarm farm = LocalFarm.start(home, farmOptions)) {
      int cores = Runtime.getRuntime().availableProcessors();
      farm.addWorkers(
          options.workers(),
          Map.of(
              "TESSERA_THREADS",
              Integer.toString(Math.max(1, cores / options.workers())),
              "TESSERA_UPLOAD_RETRY_LIMIT",
              "10s"));
      try (Connection db = database(farm)) {
        Reconciliation.installAudit(db);
      } catch (SQLException e) {
        throw new IOException("cannot install the soak's audit trigger: " + e.getMessage(), e);
      }
      out.printf(
          Locale.ROOT,
          "farm up: %d worker(s); submitting %d jobs%n",
          options.workers(),
          options.jobs());
      long deadline = System.nanoTime() + options.timeout().toNanos();
      Submitter submitter =
          new Submitter(
              new FarmClient(farm.gatewayUrl(), farm.apiKey()),
              options.jobs(),
              Math.max(1, (options.jobs() + BATCHES - 1) / BATCHES),
              options.steps());
      Map<Fault, Integer> injected = Map.of();
      if (!options.every().isZero()) {
        try (FaultInjector faults =
            FaultInjector.start(
                farm, options.faults(), options.every(), Duration.ofSeconds(12), SEED)) {
          submitAndAwait(farm, submitter, options, deadline, out);
          // Every listed fault at least once, even when the jobs ended first: what it does to
          // ended jobs counts too.
          awaitRound(faults, options);
          injected = faults.injected();
        }
      } else {
        submitAndAwait(farm, submitter, options, deadline, out);
      }
      List<UUID> batches = submitter.batches();
      Submissions submissions =
          new Submissions(batches.size(), submitter.retries(), submitter.replayed());
      try (Connection db = database(farm)) {
        Reconciliation reconciled = Reconciliation.of(db, batches, options.jobs(), results(home));
        Report report =
            new Report(
                injected, submissions, reconciled, Duration.ofNanos(System.nanoTime() - start));
        out.print(report.text(options));
        return report;
      } catch (SQLException e) {
        throw new IOException("cannot reconcile the soak: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Submits the jobs a batch at a time, the next once fewer jobs than a batch are waiting, then
   * waits until every job has ended, printing the count now and then; a database outage only delays
   * the count.
   */
  private static void submitAndAwait(
      LocalFarm farm, Submitter submitter, Options options, long deadline, PrintStream out)
      throws IOException {
    long lastPrint = 0;
    int perBatch = Math.max(1, (options.jobs() + BATCHES - 1) / BATCHES);
    while (true) {
      long open = open(farm, submitter.batches());
      if (!submitter.done() && open >= 0 && open < perBatch) {
        submitter.submitNext(deadline);
        continue;
      }
      if (open == 0 && submitter.done()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        out.printf(
            Locale.ROOT, "timed out after %s with %d jobs not ended%n", options.timeout(), open);
        return;
      }
      if (System.nanoTime() - lastPrint > Duration.ofSeconds(10).toNanos() && open > 0) {
        out.printf(Locale.ROOT, "  %d jobs not ended yet%n", open);
        lastPrint = System.nanoTime();
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the soak's jobs", e);
      }
    }
  }

  /** Jobs of {@code batches} not ended yet, or -1 while the database is down (a fault). */
  private static long open(LocalFarm farm, List<UUID> batches) {
    if (batches.isEmpty()) {
      return 0;
    }
    try (Connection db = database(farm);
        PreparedStatement q =
            db.prepareStatement(
                "SELECT count(*) FROM jobs WHERE batch_id = ANY (?)"
                    + " AND state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED')")) {
      q.setArray(1, db.createArrayOf("uuid", batches.toArray(UUID[]::new)));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  private static void awaitRound(FaultInjector faults, Options options) throws IOException {
    long deadline =
        System.nanoTime()
            + options.every().plusSeconds(60).multipliedBy(options.faults().size()).toNanos();
    while (faults.injected().values().stream().mapToInt(Integer::intValue).sum()
        < options.faults().size()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the faults did not come round once: " + faults.injected());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while injecting faults", e);
      }
    }
  }

  private static Connection database(LocalFarm farm) throws SQLException {
    return farm.stack().connect();
  }

  /** The results directory of the embedded S3 server, for a farm under {@code home}. */
  static Path results(FarmHome home) {
    return home.run().resolve("stack/s3/blobs/tessera/results");
  }
}
