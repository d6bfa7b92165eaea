package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.auth.TenantKeys;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.cache.ChangeCache;
import dev.tessera.gateway.jobs.InTransaction;
import dev.tessera.gateway.jobs.JobQuery;
import dev.tessera.gateway.jobs.JobSubmission;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.gateway.jobs.SubmissionRules;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.webhooks.WebhookTargets;
import dev.tessera.teststack.NeedsStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kept job answers and API keys on a real PostgreSQL with the real listener: they are served
 * without a query until the database announces a change, which ends them within moments (the time
 * to live here is ten minutes, so only the announcement can); and while the listener is away,
 * nothing kept is served.
 */
@NeedsStack
class KeptAnswersTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final Duration LONG = Duration.ofMinutes(10);

  private final DataSource db = TestDatabase.dataSource();
  private final Sql sql = new Sql(db);
  private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
  private final TenantStore tenants = new TenantStore(db);
  private final ChangeHub hub = new ChangeHub(10);
  private final ChangeListener listener =
      new ChangeListener(db::getConnection, hub, Duration.ofMillis(500));
  private final AtomicInteger blockingTasks = new AtomicInteger();
  private final Executor blocking =
      task -> {
        blockingTasks.incrementAndGet();
        ForkJoinPool.commonPool().execute(task);
      };
  private StatusAnswers answers;
  private TenantKeys keys;

  @BeforeEach
  void setUp() throws Exception {
    ResultLinks links =
        new ResultLinks(
            "http://127.0.0.1:9", "us-east-1", "key", "secret", "results", Duration.ofHours(1));
    answers =
        new StatusAnswers(
            new JobQuery(db, links),
            new BatchQuery(db, links, mapper),
            mapper,
            new ConditionalGet(hub, ForkJoinPool.commonPool()),
            new ChangeCache<>(LONG, 1000, listener::listening),
            blocking);
    hub.watchAll(answers.forgetter());
    keys = new TenantKeys(tenants, new ChangeCache<>(LONG, 1000, listener::listening));
    listener.onTenantsChanged(keys::forgetAll);
    listener.start();
    await(listener::listening, "listening");
  }

  @AfterEach
  void tearDown() {
    listener.close();
  }

  @Test
  void aJobsAnswerIsKeptUntilTheJobChanges() throws Exception {
    TenantStore.Created owner = tenant("kept-");
    UUID job = submit(owner.tenant());
    assertEquals("QUEUED", state(owner.tenant(), job));
    int priority = field(owner.tenant(), job, "priority");
    // A write the triggers do not announce (nothing a client sees moves): the kept answer stands.
    sql.update("UPDATE jobs SET priority = 7 WHERE id = ?", job);
    assertEquals(priority, field(owner.tenant(), job, "priority"), "kept, served without a query");

    sql.update("UPDATE jobs SET state = 'RUNNING', version = version + 1 WHERE id = ?", job);
    await(() -> state(owner.tenant(), job).equals("RUNNING"), "the change seen");
    assertEquals(7, field(owner.tenant(), job, "priority"), "read again in full");

    sql.update("UPDATE jobs SET priority = 8 WHERE id = ?", job);
    answers.forget(Set.of(job));
    assertEquals(8, field(owner.tenant(), job, "priority"), "the gateway's own write, forgotten");
  }

  @Test
  void aKeptAnswerIsSentWithoutTheBlockingExecutor() throws Exception {
    TenantStore.Created owner = tenant("direct-");
    UUID job = submit(owner.tenant());
    state(owner.tenant(), job);
    int loads = blockingTasks.get();
    CompletableFuture<Response> kept =
        answers.job(owner.tenant(), job, null, null).toCompletableFuture();
    assertTrue(kept.isDone(), "answered on the calling thread");
    assertEquals(200, kept.get().getStatus());
    String etag = kept.get().getHeaderString("ETag");
    assertEquals(
        304, answers.job(owner.tenant(), job, etag, null).toCompletableFuture().get().getStatus());
    assertEquals(loads, blockingTasks.get(), "no task given to the blocking executor");

    answers.job(owner.tenant(), job, etag, "1").toCompletableFuture().get();
    assertEquals(loads + 1, blockingTasks.get(), "a wait starts on the blocking executor");
  }

  @Test
  void anotherTenantCannotReadAKeptAnswer() throws Exception {
    TenantStore.Created owner = tenant("owner-");
    TenantStore.Created other = tenant("other-");
    UUID job = submit(owner.tenant());
    state(owner.tenant(), job);
    assertThrows(NotFoundException.class, () -> answer(other.tenant(), job));
  }

  @Test
  void whileTheListenerIsAwayNothingKeptIsServed() throws Exception {
    TenantStore.Created owner = tenant("away-");
    UUID job = submit(owner.tenant());
    state(owner.tenant(), job);
    listener.close();
    sql.update("UPDATE jobs SET priority = 9 WHERE id = ?", job);
    assertEquals(9, field(owner.tenant(), job, "priority"));
  }

  @Test
  void aRevokedKeyIsForgottenAtTheAnnouncement() throws Exception {
    TenantStore.Created created = tenant("revoked-");
    assertEquals(Optional.of(created.tenant()), keys.find(created.key()));
    assertEquals(Optional.of(created.tenant()), keys.find(created.key()), "kept");
    tenants.revokeKey(created.key().substring(0, 12));
    await(() -> keys.find(created.key()).isEmpty(), "the revoked key refused");

    TenantStore.Created fresh = tenant("fresh-");
    assertEquals(Optional.of(fresh.tenant()), keys.find(fresh.key()), "a new key works at once");
  }

  private TenantStore.Created tenant(String prefix) throws Exception {
    return tenants.create(prefix + System.nanoTime() % 1_000_000_000L, 1, 1000, 10, false);
  }

  private UUID submit(Tenant tenant) throws Exception {
    return new JobSubmission(
            db,
            new SubmissionRules(List.of("sd21"), () -> 7L, WebhookTargets.PUBLIC_ONLY),
            new SubmittedJobs(new SimpleMeterRegistry()),
            Clock.systemUTC())
        .submit(
            tenant,
            new JobRequest(
                "a fox", null, null, null, null, null, null, null, null, null, null, null),
            InTransaction.none())
        .id();
  }

  private Response answer(Tenant tenant, UUID job) throws Exception {
    try {
      return answers.job(tenant, job, null, null).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private String state(Tenant tenant, UUID job) throws Exception {
    return mapper.readTree((byte[]) answer(tenant, job).getEntity()).get("state").asText();
  }

  private int field(Tenant tenant, UUID job, String name) throws Exception {
    return mapper.readTree((byte[]) answer(tenant, job).getEntity()).get(name).asInt();
  }

  private static void await(Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + WITHIN);
      }
      Thread.sleep(20);
    }
  }
}
