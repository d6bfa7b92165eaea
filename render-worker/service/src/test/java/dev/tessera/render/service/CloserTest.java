package dev.tessera.render.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
  private final List<String> closed = new ArrayList<>();

  private AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  @Test
  void closesLastOpenedFirstAndGoesOnPastAFailure() {
    Closer closer = new Closer();
    closer.add(named("renderer"));
    closer.add(
        () -> {
          throw new IllegalStateException("broken");
        });
    closer.add(named("loop"));
    closer.close();
    assertEquals(List.of("loop", "renderer"), closed);
    closer.close();
    assertEquals(List.of("loop", "renderer"), closed, "closing twice closes nothing twice");
  }

  @Test
  void whatIsAddedAfterCloseIsClosedAtOnce() {
    Closer closer = new Closer();
    closer.close();
    closer.add(named("late model"));
    assertEquals(List.of("late model"), closed);
    assertEquals(0, closer.size());
  }
}
