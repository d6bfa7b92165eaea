package dev.tessera.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Answers read from PostgreSQL, kept until the database announces that they changed: whoever learns
 * of a change (the gateway's LISTEN connection, or the gateway's own write once it committed) calls
 * {@link #forget} or {@link #forgetAll}. Entries also expire after a time to live, which bounds how
 * stale an answer can be should an announcement be lost, and the cache is bypassed whenever the
 * announcements are not being heard ({@code heard} is false).
 *
 * <p>A load that overlaps a change is not kept: each change advances a generation, and a value is
 * kept only if no change came between the start of its load and its storing (checked again after
 * storing, so a change that lands in between removes it). Thread-safe.
 *
 * @param <K> the key
 * @param <V> the value
 */
public final class ChangeCache<K, V> {
  /** Reads the current value from the database; empty when there is none (never kept). */
  public interface Loader<V> {
    Optional<V> load() throws SQLException;
  }

  private final Cache<K, V> entries;
  private final BooleanSupplier heard;
  private final boolean keeping;
  private final AtomicLong generation = new AtomicLong();

  /**
   * @param ttl how long an entry may be served without a new load; zero keeps nothing
   * @param maxEntries how many entries are kept at most (the least used go first); zero keeps
   *     nothing
   * @param heard whether changes are being announced now; while not, every get loads
   */
  public ChangeCache(Duration ttl, long maxEntries, BooleanSupplier heard) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("the cache's time to live must not be negative: " + ttl);
    }
    if (maxEntries < 0) {
      throw new IllegalArgumentException("the cache's size must not be negative: " + maxEntries);
    }
    this.entries = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
    this.heard = heard;
    this.keeping = !ttl.isZero() && maxEntries > 0;
  }

  /**
   * The value kept for {@code key}, if one may be served now; never reads the database, so it may
   * be called on an event loop.
   */
  public Optional<V> peek(K key) {
    if (!keeping || !heard.getAsBoolean()) {
      return Optional.empty();
    }
    return Optional.ofNullable(entries.getIfPresent(key));
  }

  /** The value kept for {@code key}, or else what {@code loader} reads (kept when present). */
  public Optional<V> get(K key, Loader<V> loader) throws SQLException {
    if (!keeping || !heard.getAsBoolean()) {
      return loader.load();
    }
    V kept = entries.getIfPresent(key);
    if (kept != null) {
      return Optional.of(kept);
    }
    long before = generation.get();
    Optional<V> loaded = loader.load();
    if (loaded.isPresent() && generation.get() == before) {
      entries.put(key, loaded.get());
      if (generation.get() != before) {
        entries.asMap().remove(key, loaded.get());
      }
    }
    return loaded;
  }

  /** {@code key}'s value may have changed. */
  public void forget(K key) {
    generation.incrementAndGet();
    entries.invalidate(key);
  }

  /** Any value may have changed. */
  public void forgetAll() {
    generation.incrementAndGet();
    entries.invalidateAll();
  }
}
