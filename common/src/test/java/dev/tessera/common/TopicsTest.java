package dev.tessera.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void jobQueueIsNamedAfterTheModel() {
    assertEquals("render.jobs.sd21-base", Topics.jobs("sd21-base"));
    assertEquals("render.events", Topics.EVENTS);
    assertEquals("render.control", Topics.CONTROL);
  }

  @Test
  void modelNamesThatKafkaRejectsFailEarly() {
    var e = assertThrows(IllegalArgumentException.class, () -> Topics.jobs("sd 2/1"));
    assertTrue(e.getMessage().contains("sd 2/1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Topics.jobs(""));
    assertThrows(IllegalArgumentException.class, () -> Topics.jobs(null));
  }
}
