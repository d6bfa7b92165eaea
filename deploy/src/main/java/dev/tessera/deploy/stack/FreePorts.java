package dev.tessera.deploy.stack;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Chooses TCP ports for child processes and containers to bind. A port that is free when chosen may
 * be taken by another process before the child binds it, so the choice is guarded twice:
 *
 * <ul>
 *   <li>a port handed out is not handed out again by this JVM for {@link #RESERVED} (far longer
 *       than any child takes to bind it), so starts that run in parallel here never get the same
 *       port;
 *   <li>{@link #retry} starts again on fresh ports when the child reports that another process took
 *       its port ({@link PortInUseException}), at most {@value #ATTEMPTS} times.
 * </ul>
 */
public final class FreePorts {
  /** Launches of one server before a taken port is reported as a failure. */
  public static final int ATTEMPTS = 3;

  private static final Duration RESERVED = Duration.ofMinutes(5);
  private static final int CHOICES = 100;
  private static final System.Logger LOG = System.getLogger(FreePorts.class.getName());

  /** Port handed out → {@link System#nanoTime()} when its reservation ends. */
  private static final Map<Integer, Long> HANDED_OUT = new HashMap<>();

  private FreePorts() {}

  /** A start that chooses its ports with {@link #next()}, so that each attempt gets new ones. */
  @FunctionalInterface
  public interface Attempt<T> {
    T start() throws IOException;
  }

  /**
   * A TCP port on the loopback interface that is free now and was not handed out by this JVM
   * lately.
   */
  public static synchronized int next() throws IOException {
    long now = System.nanoTime();
    HANDED_OUT.values().removeIf(end -> end - now < 0);
    for (int i = 0; i < CHOICES; i++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      if (HANDED_OUT.putIfAbsent(port, now + RESERVED.toNanos()) == null) {
        return port;
      }
    }
    throw new IOException(
        "the system offered only ports handed out in the last "
            + RESERVED.toMinutes()
            + " minutes, "
            + CHOICES
            + " times in a row");
  }

  /**
   * Runs {@code attempt} until it does not fail with {@link PortInUseException}, at most {@value
   * #ATTEMPTS} times; {@code what} names the server in the log and the error.
   */
  public static <T> T retry(String what, Attempt<T> attempt) throws IOException {
    PortInUseException last = null;
    for (int i = 1; i <= ATTEMPTS; i++) {
      try {
        return attempt.start();
      } catch (PortInUseException e) {
        if (last != null) {
          e.addSuppressed(last);
        }
        last = e;
        LOG.log(
            Level.INFO,
            what
                + ": another process took its port before it could bind it"
                + (i < ATTEMPTS ? "; starting it again on another port" : ""));
      }
    }
    throw new PortInUseException(
        what
            + " found its port taken by another process "
            + ATTEMPTS
            + " times in a row; the last time: "
            + last.getMessage(),
        last);
  }
}
