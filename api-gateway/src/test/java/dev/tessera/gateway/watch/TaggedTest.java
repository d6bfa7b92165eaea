package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ETags follow the body exactly, and If-None-Match is compared as RFC 9110 says. */
class TaggedTest {
  private static Tagged tag(String body) {
    return Tagged.of(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTagIsAQuotedHashOfTheBody() {
    Tagged a = tag("{\"state\":\"QUEUED\"}");
    assertEquals(a.etag(), tag("{\"state\":\"QUEUED\"}").etag());
    assertNotEquals(a.etag(), tag("{\"state\":\"RUNNING\"}").etag());
    assertTrue(a.etag().matches("\"[A-Za-z0-9_-]{22}\""), a.etag());
  }

  @Test
  void ifNoneMatchComparesWeakly() {
    Tagged a = tag("{}");
    String etag = a.etag();
    assertTrue(a.matches(etag));
    assertTrue(a.matches("W/" + etag));
    assertTrue(a.matches("\"x\", " + etag));
    assertTrue(a.matches("*"));
    assertFalse(a.matches(null));
    assertFalse(a.matches("\"x\""));
    assertFalse(a.matches(etag.replace("\"", "")));
  }
}
