package dev.tessera.render.bench;

import java.util.List;
import java.util.Locale;

/**
 * Workers needed for a night's jobs, from {@link BenchReport}s: per measured device, its best
 * whole-job rate over the batch sizes it measured, and the Helm values of a pool that size.
 */
public final class CapacityTable {
  private CapacityTable() {}

  /**
   * One device's row.
   *
   * @param jobsPerHour one worker's whole jobs an hour at its best batch size
   * @param workers workers (one device each) for {@code jobs} in {@code hours}
   */
  record Row(String device, int batch, double jobsPerHour, int workers) {}

  static Row row(BenchReport report, int jobs, double hours) {
    if (jobs < 1 || !(hours > 0)) {
      throw new IllegalArgumentException(
          "need at least one job and a positive number of hours, got " + jobs + " and " + hours);
    }
    BenchReport.Batch best =
        report.batches().stream()
            .max((a, b) -> Double.compare(a.imagesPerMinute(), b.imagesPerMinute()))
            .orElseThrow(() -> new IllegalArgumentException(report.device() + ": no batches"));
    double perHour = best.imagesPerMinute() * 60;
    int workers = (int) Math.ceil(jobs / (perHour * hours));
    return new Row(report.device(), best.jobs(), perHour, workers);
  }

  /**
   * The table and each device's Helm values.
   *
   * @throws IllegalArgumentException when there is no report, or one has no batch figures
   */
  public static String format(List<BenchReport> reports, int jobs, double hours) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("no bench reports given");
    }
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "%,d jobs (%dx%d, %d steps, x4 to %d) in %.1f h:%n",
            jobs,
            reports.get(0).size(),
            reports.get(0).size(),
            reports.get(0).steps(),
            reports.get(0).target(),
            hours));
    t.append(
        String.format(
            Locale.ROOT, "%-40s %6s %12s %8s%n", "device", "batch", "jobs/h/worker", "workers"));
    for (BenchReport report : reports) {
      Row row = row(report, jobs, hours);
      t.append(
          String.format(
              Locale.ROOT,
              "%-40s %6d %12.1f %8d%n",
              row.device(),
              row.batch(),
              row.jobsPerHour(),
              row.workers()));
    }
    for (BenchReport report : reports) {
      Row row = row(report, jobs, hours);
      boolean gpu = report.peakGpuMiBJob() != null;
      t.append(
          String.format(
              Locale.ROOT,
              "%nhelm values for %s (the keys that differ from values.yaml):%nworkers:%n  pools:%n"
                  + "    - name: sd21%n"
                  + "      model: stable-diffusion-2-1%n      replicas: %d%n      gpu: %d%n"
                  + "      batchJobs: %d%n",
              row.device(),
              row.workers(),
              gpu ? 1 : 0,
              row.batch()));
    }
    return t.toString();
  }
}
