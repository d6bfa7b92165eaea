package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortsTest {
  @TempDir Path dir;

  @Test
  void concurrentChoosersNeverGetTheSamePort() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<List<Integer>>> choosers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        choosers.add(
            () -> {
              List<Integer> ports = new ArrayList<>();
              for (int j = 0; j < 50; j++) {
                ports.add(FreePorts.next());
              }
              return ports;
            });
      }
      Set<Integer> distinct = new HashSet<>();
      int handedOut = 0;
      for (Future<List<Integer>> ports : pool.invokeAll(choosers, 60, TimeUnit.SECONDS)) {
        handedOut += ports.get().size();
        distinct.addAll(ports.get());
      }
      assertEquals(400, handedOut);
      assertEquals(handedOut, distinct.size(), "no port handed out twice");
    } finally {
      pool.shutdownNow();
    }
  }

  /** The race itself, staged: another process binds the chosen port before the server does. */
  @Test
  void aServerWhosePortIsTakenBeforeItBindsIsStartedAgainOnAnotherPort() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    List<ServerSocket> takenByOthers = new ArrayList<>();
    try {
      ServerProcess stub =
          FreePorts.retry(
              "health stub",
              () -> {
                int port = FreePorts.next();
                if (attempts.incrementAndGet() == 1) {
                  takenByOthers.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
                }
                try {
                  return HealthStub.start(port, dir.resolve("stub.log"));
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              });
      try (stub) {
        assertEquals(2, attempts.get());
        assertTrue(stub.isAlive());
      }
    } finally {
      for (ServerSocket socket : takenByOthers) {
        socket.close();
      }
    }
  }

  @Test
  void aPortTakenEveryTimeFailsAfterThreeAttempts() {
    AtomicInteger attempts = new AtomicInteger();
    PortInUseException e =
        assertThrows(
            PortInUseException.class,
            () ->
                FreePorts.retry(
                    "a server",
                    () -> {
                      throw new PortInUseException("taken, attempt " + attempts.incrementAndGet());
                    }));
    assertEquals(FreePorts.ATTEMPTS, attempts.get());
    assertTrue(
        e.getMessage()
            .contains(
                "a server found its port taken by another process 3 times in a row; "
                    + "the last time: taken, attempt 3"),
        e.getMessage());
    Throwable last = e.getCause();
    assertEquals(
        "taken, attempt 2",
        last.getSuppressed()[0].getMessage(),
        "earlier attempts are kept, suppressed");
    assertEquals("taken, attempt 1", last.getSuppressed()[0].getSuppressed()[0].getMessage());
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                FreePorts.retry(
                    "a server",
                    () -> {
                      attempts.incrementAndGet();
                      throw new IOException("no such file");
                    }));
    assertEquals("no such file", e.getMessage());
    assertEquals(1, attempts.get());
  }
}
