package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
  @TempDir Path dir;

  @Test
  void aServerThatFindsItsPortTakenIsToldApartFromOtherFailures() throws Exception {
    Path log = dir.resolve("stub.log");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ServerProcess stub = HealthStub.launch(Integer.toString(taken.getLocalPort()), log);
      HealthStub.awaitExit(stub);
      assertTrue(stub.exitedOnTakenPort());
      PortInUseException e = assertThrows(PortInUseException.class, stub::checkAlive);
      assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }
    // The next run appends to the same log, which still holds the failed bind: only its own output
    // counts.
    ServerProcess broken = HealthStub.launch("not-a-port", log);
    HealthStub.awaitExit(broken);
    assertFalse(broken.exitedOnTakenPort());
    IOException e = assertThrows(IOException.class, broken::checkAlive);
    assertFalse(e instanceof PortInUseException, e.toString());
    assertTrue(e.getMessage().contains("NumberFormatException"), e.getMessage());
  }
}
