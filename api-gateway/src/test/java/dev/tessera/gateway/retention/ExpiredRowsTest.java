package dev.tessera.gateway.retention;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Housekeeping on real PostgreSQL, with the outbox's sent rows: rows past the retention go, in
 * chunks; recent and unsent rows stay; a failure never reaches the calling loop. (The webhook
 * deliveries' kind: {@code WebhookSenderTest}.)
 */
class ExpiredRowsTest {
  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);

  @BeforeEach
  void emptyOutbox() throws Exception {
    sql.update("DELETE FROM outbox");
  }

  /** A row with {@code key}, sent {@code sentAgo} ago, or unsent when that is null. */
  private void insert(String key, String sentAgo) throws Exception {
    sql.update(
        "INSERT INTO outbox (topic, key, payload, sent_at)"
            + " VALUES ('render.control', ?, '\\x7b7d', now() - ?::interval)",
        key,
        sentAgo);
  }

  private List<String> keys() throws Exception {
    return sql.rows("SELECT key FROM outbox ORDER BY key").stream()
        .map(row -> (String) row.get("key"))
        .toList();
  }

  @Test
  void deletesOnlyRowsSentLongerAgoThanTheRetentionChunkByChunk() throws Exception {
    for (int i = 0; i < 5; i++) {
      insert("old-" + i, "2 hours");
    }
    insert("recent", "59 minutes");
    insert("unsent", null);
    ExpiredRows cleanup =
        new ExpiredRows(
            dataSource,
            ExpiredRows.SENT_OUTBOX_ROWS,
            Duration.ofHours(1),
            2,
            Duration.ofMinutes(1));

    assertEquals(5, cleanup.deleteExpired(), "three statements: 2, 2 and 1 rows");
    assertEquals(List.of("recent", "unsent"), keys());
    assertEquals(0, cleanup.deleteExpired());
  }

  @Test
  void runsAtMostOncePerInterval() throws Exception {
    insert("old-1", "2 hours");
    ExpiredRows cleanup =
        new ExpiredRows(
            dataSource, ExpiredRows.SENT_OUTBOX_ROWS, Duration.ofHours(1), 10, Duration.ofHours(1));
    cleanup.runIfDue();
    assertEquals(List.of(), keys());

    insert("old-2", "2 hours");
    cleanup.runIfDue();
    assertEquals(List.of("old-2"), keys(), "the next run is an hour away");
  }

  @Test
  void aFailureIsLoggedNotThrownAndTriedAgainLater() throws Exception {
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    unreachable.setUrl("jdbc:postgresql://127.0.0.1:1/none");
    unreachable.setConnectTimeout(2);
    ExpiredRows cleanup =
        new ExpiredRows(
            unreachable, ExpiredRows.SENT_OUTBOX_ROWS, Duration.ofHours(1), 10, Duration.ZERO);
    assertDoesNotThrow(cleanup::runIfDue);
    assertDoesNotThrow(cleanup::runIfDue, "tried again once the interval (here none) passed");
  }
}
