package dev.tessera.common;

import java.util.Locale;

/**
 * Places in the services where a fault test makes the process die, as a power cut or SIGKILL would,
 * at the one moment a test cannot hit from outside (between a commit and what follows it). A
 * process is armed with {@code TESSERA_CRASH_AT=<point>} (or the system property {@code
 * tessera.crash-at}); unarmed, {@link #reached} does nothing. Armed, the point halts the JVM
 * ({@link Runtime#halt}: no shutdown hook, no finally block, no flush) with {@link #EXIT_STATUS},
 * after one line on standard error naming the point.
 */
public enum CrashPoint {
  /** The gateway committed a submission (jobs and stored answer) and has not answered yet. */
  GATEWAY_AFTER_COMMIT("gateway-after-commit"),
  /**
   * The scheduler applied some of the {@code render.events} records of one poll, not all, and
   * committed none of their offsets.
   */
  SCHEDULER_MID_BATCH("scheduler-mid-batch");

  /**
   * The exit status of a halted process: neither a normal exit nor a signal's 128+n, so a test
   * tells the crash point from any other death.
   */
  public static final int EXIT_STATUS = 86;

  private static final String ARMED = armed();

  private final String label;

  CrashPoint(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Halts the JVM here when this process is armed at this point; {@code why} goes in the line. */
  public void reached(String why) {
    if (label.equals(ARMED)) {
      System.err.println("tessera: crashing at " + label + " (" + why + ")");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }

  private static String armed() {
    String value = System.getProperty("tessera.crash-at", System.getenv("TESSERA_CRASH_AT"));
    if (value == null || value.isBlank()) {
      return null;
    }
    String label = value.strip().toLowerCase(Locale.ROOT);
    for (CrashPoint point : values()) {
      if (point.label.equals(label)) {
        return label;
      }
    }
    throw new IllegalStateException(
        "TESSERA_CRASH_AT: unknown crash point '" + value + "'; expected one of " + labels());
  }

  private static String labels() {
    StringBuilder all = new StringBuilder();
    for (CrashPoint point : values()) {
      all.append(all.isEmpty() ? "" : ", ").append(point.label);
    }
    return all.toString();
  }
}
