package dev.tessera.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The jobs trigger of V8: a delivery for each wanted event, enqueued by the scheduler's own
 * updates, and none for anything else.
 */
class WebhookTriggerTest {
  private static final String URL = "https://example.com/hook";
  private final Sql sql = new Sql(TestDatabase.dataSource());
  private final WebhookJobs jobs = new WebhookJobs(TestDatabase.dataSource());

  private List<Map<String, Object>> deliveries(UUID job) throws Exception {
    return sql.rows(
        """
        SELECT tenant_id, event, url, payload::text AS payload, body, attempts, created_at,
               next_attempt_at
        FROM webhook_deliveries WHERE job_id = ? ORDER BY created_at""",
        job);
  }

  private static JsonNode json(Object text) throws Exception {
    return new ObjectMapper().readTree((String) text);
  }

  @Test
  void everyWantedEventOfAJobIsEnqueuedWithTheJobAsTheChangeLeftIt() throws Exception {
    UUID tenant = jobs.tenant();
    UUID job = jobs.queued(tenant, URL, "{started,progress,completed}");
    jobs.start(job);
    jobs.progress(job, 1);
    jobs.progress(job, 2);
    jobs.succeed(job);

    List<Map<String, Object>> rows = deliveries(job);
    assertEquals(
        List.of("job.started", "job.progress", "job.progress", "job.completed"),
        rows.stream().map(r -> r.get("event")).toList());
    for (Map<String, Object> row : rows) {
      assertEquals(tenant, row.get("tenant_id"));
      assertEquals(URL, row.get("url"));
      assertNull(row.get("body"), "fixed at the first attempt");
      assertEquals(0, row.get("attempts"));
      assertEquals(row.get("created_at"), row.get("next_attempt_at"), "due at once");
    }
    JsonNode progress = json(rows.get(2).get("payload"));
    assertEquals("job.progress", progress.get("type").asText());
    assertEquals(job.toString(), progress.at("/data/id").asText());
    assertEquals("RUNNING", progress.at("/data/state").asText());
    assertEquals(2, progress.at("/data/progress/step").asInt());
    assertEquals(25, progress.at("/data/progress/total").asInt());
    assertNotNull(progress.at("/data/started_at").textValue());
    assertEquals(true, progress.get("timestamp").asText().endsWith("Z"), "UTC");

    JsonNode completed = json(rows.get(3).get("payload"));
    assertEquals("SUCCEEDED", completed.at("/data/state").asText());
    assertEquals(true, completed.at("/data/progress").isNull());
    assertEquals(true, completed.at("/data/finished_at").asText().endsWith("Z"));
    assertEquals(true, completed.at("/data/batch_id").isNull());
  }

  @Test
  void onlyTheEventsAskedForByDefaultCompleted() throws Exception {
    UUID job = jobs.queued(jobs.tenant(), URL, "{completed}");
    jobs.start(job);
    jobs.progress(job, 1);
    sql.update(
        """
        UPDATE jobs SET state = 'FAILED', error = 'out of memory', finished_at = now(),
               version = version + 1 WHERE id = ?""",
        job);
    List<Map<String, Object>> rows = deliveries(job);
    assertEquals(List.of("job.completed"), rows.stream().map(r -> r.get("event")).toList());
    assertEquals("out of memory", json(rows.get(0).get("payload")).at("/data/error").asText());
  }

  @Test
  void aJobWithoutAWebhookAndAnUpdateThatChangesNeitherStateNorProgressEnqueueNothing()
      throws Exception {
    UUID tenant = jobs.tenant();
    UUID plain = UUID.randomUUID();
    sql.update(
        """
        INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size)
        VALUES (?, ?, 'sd21', '{}'::jsonb, 'x4', 2048)""",
        plain,
        tenant);
    jobs.start(plain);
    jobs.succeed(plain);
    assertEquals(List.of(), deliveries(plain));

    UUID job = jobs.queued(tenant, URL, "{started,progress}");
    sql.update("UPDATE jobs SET worker_id = 'w-1', version = version + 1 WHERE id = ?", job);
    jobs.start(job);
    // A requeue clears the progress: no step to report.
    jobs.progress(job, 3);
    sql.update(
        """
        UPDATE jobs SET state = 'QUEUED', progress_step = NULL, progress_total = NULL,
               version = version + 1 WHERE id = ?""",
        job);
    assertEquals(
        List.of("job.started", "job.progress"),
        deliveries(job).stream().map(r -> r.get("event")).toList());
  }
}
