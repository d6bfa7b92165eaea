package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.webhooks.Webhook;
import dev.tessera.gateway.webhooks.WebhookEvent;
import dev.tessera.gateway.webhooks.WebhookTargets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubmissionRulesTest {
  private static final UUID ID = UUID.fromString("0b5c1a8e-2f4d-4c3a-9a7e-1d2c3b4a5f60");
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final SubmissionRules rules =
      new SubmissionRules(List.of("sd21", "sd15"), () -> 1234L, WebhookTargets.PUBLIC_ONLY);

  private static JobRequest prompt(String prompt) {
    return new JobRequest(prompt, null, null, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void aBarePromptGetsTheDefaultsOfRenderSettingsTheFirstModelADrawnSeedAndTheMiddlePriority() {
    QueuedJob queued = rules.toJob(prompt("a fox"), ID, NOW);
    assertEquals(50, queued.priority());
    RenderJob job = queued.render();
    RenderSettings defaults = RenderSettings.of("a fox");
    assertEquals(
        new RenderSettings(
            "a fox",
            "",
            1234L,
            defaults.steps(),
            defaults.guidance(),
            defaults.scheduler(),
            false,
            defaults.width(),
            defaults.height()),
        job.settings());
    assertEquals("sd21", job.model());
    assertEquals("x4", job.upscale());
    assertEquals(2048, job.targetSize());
    assertEquals(ID, job.jobId());
    assertEquals(NOW, job.submittedAt());
    assertEquals(0, job.attempt(), "not dispatched yet");
  }

  @Test
  void givenFieldsWin() {
    QueuedJob queued =
        rules.toJob(
            new JobRequest(
                "a fox", "blur", 7L, 40, 5.0, "ddim", 768, 640, "none", "sd15", false, 100),
            ID,
            NOW);
    assertEquals(100, queued.priority());
    RenderJob job = queued.render();
    assertEquals(
        new RenderSettings("a fox", "blur", 7L, 40, 5.0, "ddim", false, 768, 640), job.settings());
    assertEquals("sd15", job.model());
    assertEquals("none", job.upscale());
    assertEquals(768, job.targetSize(), "without upscaling the image is delivered as rendered");
  }

  @Test
  void everyBadFieldIsReportedInOrder() {
    InvalidJobException e =
        assertThrows(
            InvalidJobException.class,
            () ->
                rules.toJob(
                    new JobRequest(
                        " ",
                        "n".repeat(2001),
                        null,
                        0,
                        60.0,
                        "lms",
                        100,
                        4096,
                        "x8",
                        "sdxl",
                        null,
                        -1),
                    ID,
                    NOW));
    assertEquals(
        List.of(
            "prompt",
            "steps",
            "guidance",
            "scheduler",
            "width",
            "height",
            "negative_prompt",
            "model",
            "upscale",
            "priority"),
        e.problems().stream().map(FieldProblem::field).toList());
    assertEquals("unknown model 'sdxl', expected one of sd21, sd15", e.problems().get(7).detail());
    assertEquals("must be between 0 and 100, got -1", e.problems().get(9).detail());
    assertEquals("prompt: must not be empty", e.getMessage());
  }

  @Test
  void aMissingPromptIsAFieldProblemNotACrash() {
    InvalidJobException e =
        assertThrows(InvalidJobException.class, () -> rules.toJob(prompt(null), ID, NOW));
    assertEquals(List.of(new FieldProblem("prompt", "must not be empty")), e.problems());
  }

  @Test
  void aNulCharacterIsRefusedBeforeTheDatabaseWouldFail() {
    InvalidJobException e =
        assertThrows(
            InvalidJobException.class,
            () ->
                rules.toJob(
                    new JobRequest(
                        "a\0fox", "\0", null, null, null, null, null, null, null, null, null, null),
                    ID,
                    NOW));
    assertEquals(
        List.of("prompt", "negative_prompt"),
        e.problems().stream().map(FieldProblem::field).toList());
    assertEquals("must not contain the NUL character (\\u0000)", e.problems().get(0).detail());
  }

  @Test
  void aWebhookIsCheckedWithTheOtherFieldsAndKeptWithTheJob() {
    assertEquals(null, rules.toJob(prompt("a fox"), ID, NOW).webhook());
    QueuedJob queued = rules.toJob(webhook("https://93.184.216.34/hook", 50), ID, NOW);
    assertEquals(
        new Webhook("https://93.184.216.34/hook", List.of(WebhookEvent.COMPLETED)),
        queued.webhook());

    InvalidJobException e =
        assertThrows(
            InvalidJobException.class,
            () -> rules.toJob(webhook("http://192.168.1.10/hook", 101), ID, NOW));
    assertEquals(
        List.of("priority", "webhook_url"),
        e.problems().stream().map(FieldProblem::field).toList());
  }

  private static JobRequest webhook(String url, int priority) {
    return new JobRequest(
        "a fox", null, null, null, null, null, null, null, null, null, null, priority, url, null);
  }

  @Test
  void noModelsIsAConfigurationError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SubmissionRules(List.of(), () -> 0, WebhookTargets.PUBLIC_ONLY));
  }
}
