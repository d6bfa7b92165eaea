package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * A server could not bind a port chosen for it, because another process took the port between the
 * choice and the bind; starting it again on another port ({@link FreePorts#retry}) is the cure.
 */
public final class PortInUseException extends IOException {
  public PortInUseException(String message) {
    super(message);
  }

  public PortInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
