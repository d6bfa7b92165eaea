package dev.tessera.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What is kept, for how long, and what a change ends. */
class ChangeCacheTest {
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicBoolean heard = new AtomicBoolean(true);
  private final ChangeCache<String, String> cache =
      new ChangeCache<>(Duration.ofMinutes(10), 100, heard::get);

  private ChangeCache.Loader<String> value(String value) {
    return () -> {
      loads.incrementAndGet();
      return Optional.of(value);
    };
  }

  @Test
  void aValueIsLoadedOnceUntilItIsForgotten() throws Exception {
    assertEquals(Optional.of("a"), cache.get("k", value("a")));
    assertEquals(Optional.of("a"), cache.get("k", value("b")), "kept");
    assertEquals(1, loads.get());
    cache.forget("other");
    assertEquals(Optional.of("a"), cache.get("k", value("b")), "another key's change");
    cache.forget("k");
    assertEquals(Optional.of("b"), cache.get("k", value("b")));
    cache.forgetAll();
    assertEquals(Optional.of("c"), cache.get("k", value("c")));
    assertEquals(3, loads.get());
  }

  @Test
  void nothingIsKeptOfAnEmptyLoad() throws Exception {
    assertEquals(Optional.empty(), cache.get("k", Optional::empty));
    assertEquals(Optional.of("a"), cache.get("k", value("a")));
  }

  @Test
  void whileChangesAreNotHeardEveryGetLoads() throws Exception {
    cache.get("k", value("a"));
    heard.set(false);
    assertEquals(Optional.of("b"), cache.get("k", value("b")));
    assertEquals(Optional.of("c"), cache.get("k", value("c")));
    assertEquals(3, loads.get());
  }

  @Test
  void aLoadDuringWhichSomethingChangedIsNotKept() throws Exception {
    assertEquals(
        Optional.of("old"),
        cache.get(
            "k",
            () -> {
              // The change lands after the load read the database, before it is stored.
              cache.forget("k");
              return Optional.of("old");
            }));
    assertEquals(Optional.of("new"), cache.get("k", value("new")));
  }

  @Test
  void aZeroTimeToLiveKeepsNothing() throws Exception {
    ChangeCache<String, String> off = new ChangeCache<>(Duration.ZERO, 100, () -> true);
    off.get("k", value("a"));
    assertEquals(Optional.of("b"), off.get("k", value("b")));
    assertEquals(2, loads.get());
  }

  @Test
  void entriesExpire() throws Exception {
    ChangeCache<String, String> brief = new ChangeCache<>(Duration.ofMillis(50), 100, () -> true);
    brief.get("k", value("a"));
    Thread.sleep(200);
    assertEquals(Optional.of("b"), brief.get("k", value("b")));
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ChangeCache<String, String>(Duration.ofSeconds(-1), 1, () -> true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ChangeCache<String, String>(Duration.ofSeconds(1), -1, () -> true));
  }
}
