package dev.tessera.gateway.jobs;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.LoraRequest;
import dev.tessera.gateway.webhooks.Webhook;
import dev.tessera.gateway.webhooks.WebhookRules;
import dev.tessera.gateway.webhooks.WebhookTargets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Turns a client's {@link JobRequest} into the {@link QueuedJob} to store: fills in defaults, then
 * checks every field, so that nothing invalid reaches the database or a worker. Pure but for the
 * webhook's host, which is looked up unless private targets are allowed ({@link WebhookTargets});
 * thread-safe.
 */
public final class SubmissionRules {
  /** How a job reaches its delivered size, by wire name. */
  public static final List<String> UPSCALES = List.of("x4", "sr", "lanczos", "none");

  public static final String DEFAULT_UPSCALE = "x4";

  /** Edge of the delivered square image when the job upscales. */
  public static final int DELIVERED_SIZE = 2048;

  /**
   * Prompts past 75 tokens are encoded in windows of 75 (at most 32 of them); the bound keeps that
   * within reach and a job's Kafka record far below the broker's 1 MB limit, where it would block
   * the outbox.
   */
  public static final int MAX_PROMPT_CHARS = 2000;

  /** The priority of a job that names none; the middle of {@value #MIN_PRIORITY} to 100. */
  public static final int DEFAULT_PRIORITY = 50;

  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 100;

  private final List<String> models;
  private final LongSupplier seeds;
  private final WebhookRules webhooks;

  /**
   * @param models the models jobs may ask for, the default first
   * @param seeds draws the seed of a request that has none
   * @param webhookTargets where webhooks may go
   */
  public SubmissionRules(List<String> models, LongSupplier seeds, WebhookTargets webhookTargets) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one model must be configured");
    }
    this.models = List.copyOf(models);
    this.seeds = seeds;
    this.webhooks = new WebhookRules(webhookTargets);
  }

  /** The models jobs may ask for, the default first. */
  public List<String> models() {
    return models;
  }

  /**
   * The job {@code request} asks for, with id {@code jobId} and submission time {@code now}.
   *
   * @throws InvalidJobException naming every invalid field
   */
  public QueuedJob toJob(JobRequest request, UUID jobId, Instant now) {
    RenderSettings defaults = RenderSettings.of(request.prompt());
    RenderSettings settings =
        new RenderSettings(
            request.prompt(),
            orDefault(request.negativePrompt(), defaults.negativePrompt()),
            request.seed() != null ? request.seed() : seeds.getAsLong(),
            orDefault(request.steps(), defaults.steps()),
            orDefault(request.guidance(), defaults.guidance()),
            orDefault(request.scheduler(), defaults.scheduler()),
            orDefault(request.karras(), defaults.karras()),
            orDefault(request.width(), defaults.width()),
            orDefault(request.height(), defaults.height()),
            loras(request.loras()));
    String model = orDefault(request.model(), models.get(0));
    String upscale = orDefault(request.upscale(), DEFAULT_UPSCALE);
    int priority = orDefault(request.priority(), DEFAULT_PRIORITY);

    List<FieldProblem> problems = new ArrayList<>(settings.problems());
    checkText("prompt", settings.prompt(), problems);
    checkText("negative_prompt", settings.negativePrompt(), problems);
    if (!models.contains(model)) {
      problems.add(
          new FieldProblem(
              "model",
              "unknown model '" + model + "', expected one of " + String.join(", ", models)));
    }
    if (!UPSCALES.contains(upscale)) {
      problems.add(
          new FieldProblem(
              "upscale",
              "unknown upscale '" + upscale + "', expected one of " + String.join(", ", UPSCALES)));
    }
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      problems.add(
          new FieldProblem(
              "priority",
              "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", got " + priority));
    }
    Optional<Webhook> webhook =
        webhooks.toWebhook(request.webhookUrl(), request.webhookEvents(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidJobException(problems);
    }
    return new QueuedJob(
        new RenderJob(jobId, model, settings, upscale, targetSize(upscale, settings), now, 0),
        priority,
        webhook.orElse(null));
  }

  // Without upscaling the image is delivered as rendered; otherwise it is brought to the product's
  // size.
  private static int targetSize(String upscale, RenderSettings settings) {
    return "none".equals(upscale) ? Math.max(settings.width(), settings.height()) : DELIVERED_SIZE;
  }

  private static void checkText(String field, String text, List<FieldProblem> problems) {
    if (text != null && text.length() > MAX_PROMPT_CHARS) {
      problems.add(
          new FieldProblem(
              field, "must be at most " + MAX_PROMPT_CHARS + " characters, got " + text.length()));
    } else if (text != null && text.indexOf('\0') >= 0) {
      // PostgreSQL stores no NUL in text or jsonb: refused here, it would fail the insert (a 500).
      problems.add(new FieldProblem(field, "must not contain the NUL character (\\u0000)"));
    }
  }

  private static List<LoraRef> loras(List<LoraRequest> requested) {
    if (requested == null) {
      return List.of();
    }
    List<LoraRef> loras = new ArrayList<>();
    for (LoraRequest lora : requested) {
      loras.add(lora == null ? null : lora.toRef());
    }
    return loras;
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
