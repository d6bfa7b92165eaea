package dev.tessera.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.gateway.retention.ExpiredRows;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sender against real PostgreSQL and a receiver on the loopback interface, without the app:
 * retries that resend the same bytes, a delivery that outlives its sender (stopped, or dead
 * mid-attempt), replicas sharing the queue, giving up, and the target checked again at the attempt.
 */
class WebhookSenderTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RetrySchedule FAST =
      new RetrySchedule(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofHours(1));

  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);
  private final WebhookJobs jobs = new WebhookJobs(dataSource);
  private final DeliveryQueue queue =
      new DeliveryQueue(
          dataSource,
          new WebhookSecrets(dataSource, new SecureRandom()),
          new ResultLinks(
              "http://127.0.0.1:9", "us-east-1", "key", "secret", "results", Duration.ofHours(1)));

  @BeforeEach
  void emptyQueue() throws Exception {
    sql.update("DELETE FROM webhook_deliveries");
  }

  private WebhookSender sender(WebhookTargets targets, RetrySchedule retries) {
    return new WebhookSender(
        queue,
        targets,
        retries,
        4,
        Duration.ofMillis(50),
        new ExpiredRows(dataSource, ExpiredRows.ENDED_WEBHOOK_DELIVERIES, Duration.ofDays(7)));
  }

  private UUID completedJob(String url) throws Exception {
    UUID job = jobs.queued(jobs.tenant(), url, "{completed}");
    jobs.start(job);
    jobs.succeed(job);
    return job;
  }

  private Map<String, Object> delivery(UUID job) throws Exception {
    return sql.row("SELECT * FROM webhook_deliveries WHERE job_id = ?", job);
  }

  private long deliveries(UUID job) throws Exception {
    return sql.count("SELECT count(*) FROM webhook_deliveries WHERE job_id = ?", job);
  }

  private static void eventually(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + WAIT);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void retriesUntilA2xxResendingTheSameIdAndBytes() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(n -> n <= 2 ? 503 : 200);
        WebhookSender sender = sender(WebhookTargets.ANY, FAST)) {
      UUID job = completedJob(receiver.url());
      sender.start();
      List<WebhookReceiver.Received> got = receiver.await(3, WAIT);
      eventually("the delivery's record", () -> delivery(job).get("delivered_at") != null);

      Map<String, Object> row = delivery(job);
      assertEquals(3, row.get("attempts"));
      assertEquals(200, row.get("last_status"));
      for (WebhookReceiver.Received r : got) {
        assertEquals(row.get("id").toString(), r.id());
        assertArrayEquals(got.get(0).body(), r.body());
        assertArrayEquals((byte[]) row.get("body"), r.body());
      }
      JsonNode body = new ObjectMapper().readTree(got.get(0).body());
      assertEquals("job.completed", body.get("type").asText());
      assertTrue(
          body.at("/data/result_url").asText().startsWith("http://127.0.0.1:9/results/results/"),
          body.toString());
      assertEquals(
          List.of(503, 503, 200),
          sql
              .rows(
                  "SELECT status FROM webhook_attempts WHERE delivery_id = ? ORDER BY at",
                  row.get("id"))
              .stream()
              .map(a -> a.get("status"))
              .toList());
    }
  }

  @Test
  void aDeliveryEnqueuedWhileNoSenderRunsIsSentByTheNextOne() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
      WebhookSender first = sender(WebhookTargets.ANY, FAST);
      first.start();
      first.close();
      UUID job = completedJob(receiver.url());
      Thread.sleep(300);
      assertEquals(List.of(), receiver.received());
      assertEquals(0, delivery(job).get("attempts"));

      try (WebhookSender second = sender(WebhookTargets.ANY, FAST)) {
        second.start();
        assertEquals(delivery(job).get("id").toString(), receiver.await(1, WAIT).get(0).id());
        eventually("the delivery's record", () -> delivery(job).get("delivered_at") != null);
      }
    }
  }

  @Test
  void aDeliveryClaimedByASenderThatDiedIsSentWhenItsLeaseEnds() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
      UUID job = completedJob(receiver.url());
      // A sender claims, then dies before its attempt or its record.
      assertEquals(1, queue.claim(10, Duration.ofSeconds(1)).size());
      try (WebhookSender sender = sender(WebhookTargets.ANY, FAST)) {
        sender.start();
        Thread.sleep(500);
        assertEquals(List.of(), receiver.received(), "leased to the dead sender");
        receiver.await(1, WAIT);
        eventually("the delivery's record", () -> delivery(job).get("delivered_at") != null);
      }
    }
  }

  @Test
  void replicasShareTheQueueAndSendEachDeliveryOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting();
        WebhookSender one = sender(WebhookTargets.ANY, FAST);
        WebhookSender two = sender(WebhookTargets.ANY, FAST)) {
      List<UUID> sent = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        sent.add(completedJob(receiver.url()));
      }
      one.start();
      two.start();
      receiver.await(30, WAIT);
      eventually(
          "every record",
          () ->
              sql.count("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL") == 0);
      Thread.sleep(300);
      List<WebhookReceiver.Received> got = receiver.received();
      Set<String> ids = new HashSet<>();
      got.forEach(r -> ids.add(r.id()));
      assertEquals(30, got.size());
      assertEquals(30, ids.size(), "no delivery sent twice");
    }
  }

  @Test
  void aDeliveryStillFailingAtItsMaxAgeIsGivenUp() throws Exception {
    RetrySchedule shortLived =
        new RetrySchedule(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1));
    try (WebhookReceiver receiver = new WebhookReceiver(n -> 500);
        WebhookSender sender = sender(WebhookTargets.ANY, shortLived)) {
      UUID job = completedJob(receiver.url());
      sender.start();
      eventually("giving up", () -> delivery(job).get("given_up_at") != null);
      Map<String, Object> row = delivery(job);
      int attempts = (Integer) row.get("attempts");
      assertTrue(attempts >= 3, "attempts " + attempts);
      assertEquals(500, row.get("last_status"));
      Thread.sleep(500);
      assertEquals(attempts, receiver.received().size(), "no attempt after giving up");
    }
  }

  @Test
  void deliveriesEndedLongerAgoThanTheRetentionAreDeletedWithTheirAttempts() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
      UUID delivered = completedJob(receiver.url());
      UUID givenUp = completedJob(receiver.url());
      UUID recent = completedJob(receiver.url());
      try (WebhookSender sender = sender(WebhookTargets.ANY, FAST)) {
        sender.start();
        for (UUID job : List.of(delivered, givenUp, recent)) {
          eventually("delivery to " + job, () -> delivery(job).get("delivered_at") != null);
        }
      }
      UUID waiting = completedJob(receiver.url());
      sql.update(
          "UPDATE webhook_deliveries SET delivered_at = now() - interval '8 days' WHERE job_id = ?",
          delivered);
      sql.update(
          "UPDATE webhook_deliveries SET delivered_at = NULL,"
              + " given_up_at = now() - interval '8 days' WHERE job_id = ?",
          givenUp);
      sql.update(
          "UPDATE webhook_deliveries SET delivered_at = now() - interval '6 days' WHERE job_id = ?",
          recent);
      // still being tried, though made long ago: kept whatever its age
      sql.update(
          "UPDATE webhook_deliveries SET created_at = now() - interval '30 days',"
              + " next_attempt_at = now() + interval '1 day' WHERE job_id = ?",
          waiting);
      Object attemptsOfDelivered = delivery(delivered).get("id");

      try (WebhookSender sender = sender(WebhookTargets.ANY, FAST)) {
        sender.start();
        eventually(
            "the ended deliveries' deletion",
            () -> deliveries(delivered) == 0 && deliveries(givenUp) == 0);
      }
      assertEquals(1, deliveries(recent), "delivered 6 days ago, kept for 7");
      assertEquals(1, deliveries(waiting), "still being tried");
      assertEquals(
          0L,
          sql.count(
              "SELECT count(*) FROM webhook_attempts WHERE delivery_id = ?", attemptsOfDelivered));
    }
  }

  @Test
  void aTargetOnAPrivateAddressIsRefusedAtTheAttemptToo() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting();
        WebhookSender sender = sender(WebhookTargets.PUBLIC_ONLY, FAST)) {
      // As if the name had resolved to a public address at submission.
      UUID job = completedJob(receiver.url());
      sender.start();
      eventually("a failed attempt", () -> (Integer) delivery(job).get("attempts") >= 1);
      Map<String, Object> row = delivery(job);
      assertNotNull(row.get("last_error"));
      assertTrue(
          row.get("last_error").toString().startsWith("refused: host 127.0.0.1 resolves to"),
          row.get("last_error").toString());
      assertEquals(List.of(), receiver.received());
    }
  }
}
