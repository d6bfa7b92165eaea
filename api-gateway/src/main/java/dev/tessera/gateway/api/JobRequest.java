package dev.tessera.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tessera.common.RenderSettings;
import dev.tessera.gateway.webhooks.Webhook;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A render request as clients send it to {@code POST /v1/jobs}. Every field but {@code prompt} may
 * be left out; the gateway fills in defaults. In a job's JSON, the same shape shows what the job
 * renders, defaults filled in, and its webhook when it has one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "JobRequest", description = "What to render. Only prompt is required.")
public record JobRequest(
    @Schema(
            required = true,
            description = "What to draw; not blank, at most 2000 characters.",
            examples = "a lighthouse at dusk, oil painting")
        String prompt,
    @Schema(description = "What to steer away from.", defaultValue = "") String negativePrompt,
    @Schema(description = "Noise seed; random when absent (the job shows the seed it got).")
        Long seed,
    @Schema(description = "Denoising steps.", minimum = "1", maximum = "500", defaultValue = "25")
        Integer steps,
    @Schema(
            description = "Classifier-free guidance scale; 1 or less turns guidance off.",
            minimum = "0",
            maximum = "50",
            defaultValue = "7.5")
        Double guidance,
    @Schema(
            description = "Sampler.",
            enumeration = {"ddim", "euler", "euler-a", "dpmpp-2m"},
            defaultValue = "euler")
        String scheduler,
    @Schema(
            description = "Width in pixels, a multiple of 8.",
            minimum = "64",
            maximum = "2048",
            defaultValue = "512")
        Integer width,
    @Schema(
            description = "Height in pixels, a multiple of 8.",
            minimum = "64",
            maximum = "2048",
            defaultValue = "512")
        Integer height,
    @Schema(
            description =
                "How the image reaches its delivered size: the x4 upscaler model, super-resolution, "
                    + "Lanczos resampling, or none.",
            enumeration = {"x4", "sr", "lanczos", "none"},
            defaultValue = "x4")
        String upscale,
    @Schema(
            description =
                "Model to render with; one of the gateway's models, the first by default.")
        String model,
    @Schema(description = "Karras sigmas (euler, euler-a, dpmpp-2m).", defaultValue = "false")
        Boolean karras,
    @Schema(
            description =
                "Higher goes first: the scheduler dispatches a model's waiting jobs by priority,"
                    + " then the tenants' fair shares, then age; a waiting job slowly gains"
                    + " priority, so none waits forever.",
            minimum = "0",
            maximum = "100",
            defaultValue = "50")
        Integer priority,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            description =
                "Where to POST the job's events (Standard Webhooks, signed with the tenant's"
                    + " secret from GET /v1/webhooks/secret): an absolute http or https URL of at"
                    + " most 2048 characters, on a public address.",
            examples = "https://example.com/hooks/tessera")
        String webhookUrl,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            description =
                "Which events to POST to webhook_url: started, progress (each new step),"
                    + " completed (succeeded, failed or canceled).",
            defaultValue = "[\"completed\"]")
        List<String> webhookEvents,
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @Schema(
            description =
                "LoRA adapters to render with, at most 4, each named once; see the README's"
                    + " Adapters section.",
            maxItems = RenderSettings.MAX_LORAS)
        List<LoraRequest> loras) {

  /** A request without adapters. */
  public JobRequest(
      String prompt,
      String negativePrompt,
      Long seed,
      Integer steps,
      Double guidance,
      String scheduler,
      Integer width,
      Integer height,
      String upscale,
      String model,
      Boolean karras,
      Integer priority,
      String webhookUrl,
      List<String> webhookEvents) {
    this(
        prompt,
        negativePrompt,
        seed,
        steps,
        guidance,
        scheduler,
        width,
        height,
        upscale,
        model,
        karras,
        priority,
        webhookUrl,
        webhookEvents,
        null);
  }

  /** A request without a webhook. */
  public JobRequest(
      String prompt,
      String negativePrompt,
      Long seed,
      Integer steps,
      Double guidance,
      String scheduler,
      Integer width,
      Integer height,
      String upscale,
      String model,
      Boolean karras,
      Integer priority) {
    this(
        prompt,
        negativePrompt,
        seed,
        steps,
        guidance,
        scheduler,
        width,
        height,
        upscale,
        model,
        karras,
        priority,
        null,
        null);
  }

  /** The complete request a stored job renders, from its parts; {@code webhook} may be null. */
  public static JobRequest of(
      String model, RenderSettings settings, String upscale, int priority, Webhook webhook) {
    return new JobRequest(
        settings.prompt(),
        settings.negativePrompt(),
        settings.seed(),
        settings.steps(),
        settings.guidance(),
        settings.scheduler(),
        settings.width(),
        settings.height(),
        upscale,
        model,
        settings.karras(),
        priority,
        webhook == null ? null : webhook.url(),
        webhook == null ? null : webhook.eventNames(),
        settings.loras().stream().map(LoraRequest::of).toList());
  }
}
