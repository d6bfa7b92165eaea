package dev.tessera.deploy.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.deploy.stack.FreePorts;
import dev.tessera.deploy.stack.HealthStub;
import dev.tessera.deploy.stack.PortInUseException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service whose HTTP port another process takes between the choice and the bind (the stub stands
 * in for Quarkus).
 */
class AppProcessTest {
  @TempDir Path dir;
  private final List<ServerSocket> takenByOthers = new ArrayList<>();
  private final AtomicInteger launches = new AtomicInteger();

  @AfterEach
  void releasePorts() throws IOException {
    for (ServerSocket socket : takenByOthers) {
      socket.close();
    }
  }

  /**
   * Launches the stub on the port given; for the first {@code takenLaunches} launches another
   * process took it.
   */
  private AppProcess.Launcher stubLaunching(int takenLaunches) {
    return port -> {
      if (launches.incrementAndGet() <= takenLaunches) {
        takenByOthers.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
      }
      return HealthStub.launch(Integer.toString(port), dir.resolve("service.log"));
    };
  }

  @Test
  void isStartedAgainOnAnotherPortAndReportedAliveMeanwhile() throws Exception {
    try (AppProcess service = AppProcess.start(stubLaunching(1))) {
      String firstUrl = service.url();
      assertTrue(service.isAlive(), "alive while it is to be launched again");
      service.awaitReady(Duration.ofSeconds(60));
      assertEquals(2, launches.get());
      assertNotEquals(firstUrl, service.url());
      assertEquals("http://127.0.0.1:" + takenByOthers.get(0).getLocalPort(), firstUrl);
      assertEquals(200, service.liveness());
      assertTrue(service.isAlive());
    }
  }

  @Test
  void failsAfterThreeTakenPorts() throws Exception {
    try (AppProcess service = AppProcess.start(stubLaunching(Integer.MAX_VALUE))) {
      PortInUseException e =
          assertThrows(PortInUseException.class, () -> service.awaitReady(Duration.ofSeconds(60)));
      assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
      assertEquals(FreePorts.ATTEMPTS, launches.get());
      assertFalse(service.isAlive());
    }
  }

  @Test
  void aStoppedServiceIsNotLaunchedAgain() throws Exception {
    AppProcess service = AppProcess.start(stubLaunching(1));
    service.kill();
    assertFalse(service.isAlive());
    assertEquals(-1, service.liveness());
    assertEquals(1, launches.get());
  }
}
