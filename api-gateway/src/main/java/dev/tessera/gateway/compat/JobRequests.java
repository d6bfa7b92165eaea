package dev.tessera.gateway.compat;

import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.LoraRequest;
import java.util.List;

/**
 * The one place the compatibility APIs build a {@link JobRequest}, so a field added to it is
 * decided here once. A null leaves the farm's default, as in {@code POST /v1/jobs}.
 */
public final class JobRequests {
  private JobRequests() {}

  /** A text-to-image job at the default priority with {@code loras} (null for none). */
  public static JobRequest render(
      String model,
      String prompt,
      String negativePrompt,
      Long seed,
      Integer steps,
      Double guidance,
      String scheduler,
      Boolean karras,
      int width,
      int height,
      String upscale,
      List<LoraRequest> loras) {
    return new JobRequest(
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
        null,
        null,
        null,
        loras);
  }
}
