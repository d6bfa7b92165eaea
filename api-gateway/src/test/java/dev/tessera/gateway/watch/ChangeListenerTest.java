package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.teststack.NeedsStack;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The triggers of migrations V7 and V10 and the listener on a real PostgreSQL: what the scheduler's
 * writes announce, and a listener that loses its connection comes back and tells everyone to look
 * again.
 */
@NeedsStack
class ChangeListenerTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /** The listener's backend: the one whose last statement listened (not the asking one). */
  private static final String LISTENERS =
      "FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%LISTEN "
          + ChangeListener.TENANTS_CHANNEL
          + "%'";

  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
  private final UUID job = UUID.randomUUID();
  private DataSource db;
  private Sql sql;
  private ChangeListener listener;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.dataSource();
    sql = new Sql(db);
    sql.update(
        "INSERT INTO jobs (id, model, settings, upscale, target_size) VALUES (?, 'm', '{}', 'none', 64)",
        job);
    ChangeHub hub = new ChangeHub(10);
    hub.watch(
        job,
        new ChangeHub.Observer() {
          @Override
          public void changed(JobChange change) {
            heard.add(change.kind().toString());
          }

          @Override
          public void resync() {
            heard.add("resync");
          }
        });
    listener = new ChangeListener(db::getConnection, hub, Duration.ofMillis(500));
    listener.onTenantsChanged(() -> heard.add("tenants"));
    listener.start();
    assertEquals("resync", next(), "a listener that starts tells its watchers to look");
    assertEquals("tenants", next(), "and its tenant watchers");
    awaitListening();
  }

  @AfterEach
  void tearDown() {
    listener.close();
  }

  @Test
  void theSchedulersWritesAreAnnouncedByKind() throws Exception {
    sql.update("UPDATE jobs SET state = 'RUNNING', version = version + 1 WHERE id = ?", job);
    assertEquals("STATE", next());
    sql.update("UPDATE jobs SET progress_step = 3, progress_total = 25 WHERE id = ?", job);
    assertEquals("PROGRESS", next());
    sql.update("UPDATE jobs SET error = 'lost', version = version + 1 WHERE id = ?", job);
    assertEquals("STATE", next());
    sql.update("INSERT INTO job_cancellations (job_id, requested_at) VALUES (?, now())", job);
    assertEquals("CANCEL", next());
    // A write that changes nothing a client sees announces nothing.
    sql.update("UPDATE jobs SET updated_at = now() WHERE id = ?", job);
    sql.update("UPDATE jobs SET progress_step = 3 WHERE id = ?", job);
    assertQuiet(Duration.ofSeconds(1));
  }

  @Test
  void keyAndTenantChangesAreAnnouncedOncePerStatement() throws Exception {
    TenantStore tenants = new TenantStore(db);
    TenantStore.Created created =
        tenants.create("listener-" + System.nanoTime() % 1_000_000, 1, 10, 10, false);
    assertQuiet(Duration.ofSeconds(1));
    tenants.revokeKey(created.key().substring(0, 12));
    assertEquals("tenants", next());
    sql.update("UPDATE tenants SET weight = 2 WHERE id = ?", created.tenant().id());
    assertEquals("tenants", next());
    assertQuiet(Duration.ofSeconds(1));
  }

  @Test
  void aLostConnectionIsOpenedAgainAndEveryoneLooksAgain() throws Exception {
    assertTrue(listener.listening());
    assertEquals(1, listeningBackends());
    sql.count("SELECT count(pg_terminate_backend(pid)) " + LISTENERS);
    assertEquals("resync", next());
    assertEquals("tenants", next());
    awaitListening();
    sql.update("UPDATE jobs SET state = 'FAILED', version = version + 1 WHERE id = ?", job);
    assertEquals("STATE", next());
  }

  @Test
  void closingStopsListeningAndClosesTheConnection() throws Exception {
    listener.close();
    assertFalse(listener.listening());
    sql.update("UPDATE jobs SET state = 'CANCELED', version = version + 1 WHERE id = ?", job);
    assertQuiet(Duration.ofSeconds(1));
    assertEquals(0, listeningBackends());
  }

  private long listeningBackends() throws Exception {
    return sql.count("SELECT count(*) " + LISTENERS);
  }

  private void awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!listener.listening()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not listening within " + WITHIN);
      }
      Thread.sleep(10);
    }
  }

  private String next() throws InterruptedException {
    String kind = heard.poll(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    if (kind == null) {
      throw new AssertionError("nothing heard within " + WITHIN);
    }
    return kind;
  }

  private void assertQuiet(Duration within) throws InterruptedException {
    String kind = heard.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(null, kind, "heard " + kind);
  }
}
