package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The farm's load harness ({@code ./farm load}): starts a local farm, submits a mix of long and
 * short jobs at once (the long ones first, so they are what the workers hold while the short ones
 * queue), waits for all of them, and prints per worker its jobs, busy time, longest wait while jobs
 * were queued and utilisation (busy time ÷ wall time while jobs were queued), with each worker's
 * queue-loop counters (jobs, failed acknowledgements, reconnects, records released unstarted).
 */
public final class LoadHarness {
  /** The utilisation a worker should reach while jobs are queued. */
  public static final double TARGET_UTILISATION = 0.95;

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);

  /**
   * A mix of jobs.
   *
   * @param longJobs jobs submitted first, each {@code longSteps} steps upscaled with {@code
   *     longUpscale}
   * @param shortJobs jobs submitted after them, each {@code shortSteps} steps upscaled with {@code
   *     sr}
   */
  public record Mix(
      int longJobs, int longSteps, String longUpscale, int shortJobs, int shortSteps) {}

  private LoadHarness() {}

  /**
   * Runs {@code mix} on a farm started with {@code options}, printing the figures to {@code out}.
   */
  public static JobTimeline run(FarmHome home, LocalFarm.Options options, Mix mix, PrintStream out)
      throws IOException {
    try (LocalFarm farm = LocalFarm.start(home, options)) {
      out.printf(
          Locale.ROOT,
          "farm up: %d worker(s); submitting %d long (%d steps, %s) and %d short"
              + " (%d steps, sr) jobs%n",
          farm.workers().size(),
          mix.longJobs(),
          mix.longSteps(),
          mix.longUpscale(),
          mix.shortJobs(),
          mix.shortSteps());
      FarmClient client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < mix.longJobs(); i++) {
        ids.add(
            client.submit(
                FarmClient.request("load: a long job " + i)
                    .put("steps", mix.longSteps())
                    .put("seed", i)
                    .put("upscale", mix.longUpscale())));
      }
      for (int i = 0; i < mix.shortJobs(); i++) {
        ids.add(
            client.submit(
                FarmClient.request("load: a short job " + i)
                    .put("steps", mix.shortSteps())
                    .put("seed", i)
                    .put("upscale", "sr")));
      }
      for (String id : ids) {
        JsonNode end = client.awaitEnd(id, JOB_TIMEOUT, s -> {});
        if (!"SUCCEEDED".equals(end.path("state").asText())) {
          throw new IOException(
              "job " + id + " ended " + end.path("state").asText() + ": " + end.path("error"));
        }
      }
      JobTimeline timeline =
          JobTimeline.read(farm.stack(), ids.stream().map(UUID::fromString).toList());
      out.print(timeline.report());
      for (AppProcess worker : farm.workers()) {
        JsonNode loop = worker.livenessData();
        out.printf(
            Locale.ROOT,
            "%s queue loop: %d jobs, %d failed acknowledgements,"
                + " %d reconnects, %d released unstarted%n",
            worker.name(),
            loop.path("jobs").asLong(),
            loop.path("failed_acknowledgements").asLong(),
            loop.path("reconnects").asLong(),
            loop.path("released_unstarted").asLong());
      }
      for (String worker : timeline.workers()) {
        double u = timeline.utilisation(worker);
        out.printf(
            Locale.ROOT,
            "%s utilisation while jobs were queued: %.3f (target >= %.2f: %s)%n",
            worker,
            u,
            TARGET_UTILISATION,
            u >= TARGET_UTILISATION ? "met" : "MISSED");
      }
      return timeline;
    }
  }
}
