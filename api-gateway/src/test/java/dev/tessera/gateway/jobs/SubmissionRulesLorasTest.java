package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.LoraRef;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.LoraRequest;
import dev.tessera.gateway.webhooks.WebhookTargets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The adapters of a job request: default scale, carried in the settings, checked by name. */
class SubmissionRulesLorasTest {
  private static final UUID ID = UUID.fromString("0b5c1a8e-2f4d-4c3a-9a7e-1d2c3b4a5f60");
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final SubmissionRules rules =
      new SubmissionRules(List.of("sd21"), () -> 1234L, WebhookTargets.PUBLIC_ONLY);

  private static JobRequest request(List<LoraRequest> loras) {
    return new JobRequest(
        "a fox", null, null, null, null, null, null, null, null, null, null, null, null, null,
        loras);
  }

  @Test
  void adaptersReachTheSettingsWithScaleOneByDefault() {
    QueuedJob job =
        rules.toJob(
            request(List.of(new LoraRequest("film-grain", 0.8), new LoraRequest("epi", null))),
            ID,
            NOW);
    assertEquals(
        List.of(new LoraRef("film-grain", 0.8), new LoraRef("epi", 1.0)),
        job.render().settings().loras());
    JobRequest echoed = JobRequest.of("sd21", job.render().settings(), "x4", 50, null);
    assertEquals(
        List.of(new LoraRequest("film-grain", 0.8), new LoraRequest("epi", 1.0)), echoed.loras());
  }

  @Test
  void noAdaptersIsAnEmptyList() {
    assertEquals(List.of(), rules.toJob(request(null), ID, NOW).render().settings().loras());
  }

  @Test
  void badAdaptersAreNamed() {
    InvalidJobException e =
        assertThrows(
            InvalidJobException.class,
            () ->
                rules.toJob(
                    request(List.of(new LoraRequest("a/b", 1.0), new LoraRequest("c", -7.0))),
                    ID,
                    NOW));
    assertEquals(
        List.of("loras[0].name", "loras[1].scale"),
        e.problems().stream().map(FieldProblem::field).toList());
  }
}
