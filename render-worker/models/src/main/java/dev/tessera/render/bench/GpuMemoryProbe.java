package dev.tessera.render.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Polls {@code nvidia-smi} for the device's used memory every {@value #PERIOD_MS} ms on a daemon
 * thread and keeps the peak since the last {@link #resetPeak}. It sees the whole device, so other
 * processes' memory counts too; the bench subtracts the memory in use before it loaded anything.
 * Without nvidia-smi it reports nothing ({@link #available()} is false).
 *
 * <p>Lifetime: polls from construction until {@link #close}.
 */
final class GpuMemoryProbe implements AutoCloseable {
  private static final long PERIOD_MS = 100;
  private static final long QUERY_TIMEOUT_S = 10;

  private final int device;
  private final boolean available;
  private final Thread poller;
  private volatile long peakMiB = -1;
  private volatile boolean closed;

  GpuMemoryProbe(int device) {
    this.device = device;
    this.available = query("memory.used") != null;
    this.poller = new Thread(this::poll, "gpu-memory-probe");
    poller.setDaemon(true);
    if (available) {
      poller.start();
    }
  }

  boolean available() {
    return available;
  }

  /** The GPU's name, or null without nvidia-smi. */
  String gpuName() {
    return query("name");
  }

  /** Used memory now, MiB, or -1. */
  long usedMiB() {
    String used = query("memory.used");
    return used == null ? -1 : Long.parseLong(used.trim());
  }

  /** The highest used memory seen since the last reset, MiB, or -1. */
  long peakMiB() {
    long now = usedMiB();
    return Math.max(peakMiB, now);
  }

  void resetPeak() {
    peakMiB = usedMiB();
  }

  private void poll() {
    while (!closed) {
      long used = usedMiB();
      if (used > peakMiB) {
        peakMiB = used;
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One field of {@code nvidia-smi --query-gpu}, or null when it cannot be had. */
  private String query(String field) {
    try {
      Process process =
          new ProcessBuilder(
                  List.of(
                      "nvidia-smi",
                      "--query-gpu=" + field,
                      "--format=csv,noheader,nounits",
                      "-i",
                      Integer.toString(device)))
              .redirectErrorStream(true)
              .start();
      // one short line fits in the pipe, so waiting before reading cannot block the process
      if (!process.waitFor(QUERY_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      String line;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        line = out.readLine();
      }
      return process.exitValue() == 0 && line != null && !line.isBlank() ? line.trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    poller.interrupt();
  }
}
