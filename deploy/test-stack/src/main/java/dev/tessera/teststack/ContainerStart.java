package dev.tessera.teststack;

import dev.tessera.deploy.stack.PortInUseException;
import java.io.IOException;
import java.util.Locale;
import org.testcontainers.containers.GenericContainer;

/** Starts a container, turning Testcontainers' unchecked failures into the stack's checked ones. */
final class ContainerStart {
  private ContainerStart() {}

  /**
   * Starts {@code container} and waits for its wait strategy; on failure removes it again and
   * throws, with {@link PortInUseException} when a fixed host port it was to publish was taken.
   */
  static void start(GenericContainer<?> container, String what) throws IOException {
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      String message =
          "cannot start "
              + what
              + " in a container ("
              + container.getDockerImageName()
              + "): "
              + e.getMessage();
      throw portTaken(e) ? new PortInUseException(message, e) : new IOException(message, e);
    }
  }

  /** Whether Docker refused to publish a port because something else holds it on the host. */
  private static boolean portTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("port is already allocated")
          || message.contains("address already in use")) {
        return true;
      }
    }
    return false;
  }
}
