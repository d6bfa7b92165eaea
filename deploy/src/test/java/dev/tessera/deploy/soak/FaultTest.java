package dev.tessera.deploy.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {
  @Test
  void parsesListsInTheirOrderAndAllAsEveryFault() {
    assertEquals(List.of(Fault.S3, Fault.WORKER_KILL), Fault.parse("s3, Worker-Kill"));
    assertEquals(List.of(Fault.values()), Fault.parse("all"));
  }

  @Test
  void anUnknownFaultIsNamedWithTheFaultsThereAre() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("s3,router"));
    assertTrue(e.getMessage().contains("unknown fault 'router'"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("worker-kill, worker-stop, broker, database, s3, scheduler, gateway"),
        e.getMessage());
  }
}
