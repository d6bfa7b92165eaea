package dev.tessera.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Wall-clock time spent in each stage of a render (tokenize, text encode, denoise, decode, upscale,
 * PNG...), in the order the stages ran. Mutable while a render runs; {@link #entries()} is a
 * snapshot.
 */
public final class StageTimings {
  /**
   * One stage: its name, milliseconds, and an optional detail such as a tile count (empty when
   * none).
   */
  public record Entry(String stage, double millis, String detail) {}

  private final List<Entry> entries = new ArrayList<>();

  /** Records a stage that took {@code nanos} nanoseconds. */
  public synchronized void add(String stage, long nanos, String detail) {
    entries.add(new Entry(stage, nanos / 1e6, detail == null ? "" : detail));
  }

  /** Records a stage that took {@code nanos} nanoseconds. */
  public void add(String stage, long nanos) {
    add(stage, nanos, "");
  }

  /** A snapshot of the stages so far. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Total milliseconds over all stages. */
  public synchronized double totalMillis() {
    return entries.stream().mapToDouble(Entry::millis).sum();
  }

  /** One line per stage, aligned, then the total, for terminals and logs. */
  public synchronized String format() {
    StringBuilder out = new StringBuilder();
    for (Entry e : entries) {
      out.append(
          String.format(
              "  %-12s %9.1f ms%s%n",
              e.stage(), e.millis(), e.detail().isEmpty() ? "" : "  (" + e.detail() + ")"));
    }
    out.append(String.format("  %-12s %9.1f ms%n", "total", totalMillis()));
    return out.toString();
  }
}
