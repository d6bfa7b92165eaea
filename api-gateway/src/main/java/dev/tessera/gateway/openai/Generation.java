package dev.tessera.gateway.openai;

import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.compat.ImageFormat;
import dev.tessera.gateway.compat.JobRequests;

/**
 * An image generation request, checked, with OpenAI's defaults filled in: what each of its {@code
 * n} farm jobs renders and how the answer presents the images.
 *
 * @param base64 whether the images are answered as {@code b64_json}, else as URLs
 * @param quality for jpeg, from {@code output_compression}
 */
record Generation(
    String model,
    String prompt,
    int n,
    OpenAiSize size,
    boolean base64,
    ImageFormat format,
    float quality) {
  static final int MAX_IMAGES = 10;

  /**
   * {@code request}, checked.
   *
   * @throws OpenAiException naming the first parameter at fault
   */
  static Generation of(ImageGenerationRequest request, OpenAiModels models) {
    if (request == null) {
      throw OpenAiException.invalid(null, "the body must be one JSON object with a prompt");
    }
    String model = models.farmModel(request.model());
    if (request.prompt() == null || request.prompt().isBlank()) {
      throw OpenAiException.invalid("prompt", "prompt is required and must not be empty");
    }
    int n = request.n() == null ? 1 : request.n();
    if (n < 1 || n > MAX_IMAGES) {
      throw OpenAiException.invalid(
          "n", "Invalid value for 'n': must be between 1 and " + MAX_IMAGES + ", got " + n);
    }
    OpenAiSize size =
        OpenAiSize.named(request.size())
            .orElseThrow(
                () ->
                    OpenAiException.invalid(
                        "size",
                        "Invalid value for 'size': '"
                            + request.size()
                            + "'; supported values are "
                            + String.join(", ", OpenAiSize.names())));
    return new Generation(
        model,
        request.prompt(),
        n,
        size,
        base64(request),
        format(request.outputFormat()),
        quality(request.outputCompression()));
  }

  /** What each of the generation's jobs renders. */
  JobRequest job() {
    return JobRequests.render(
        model,
        prompt,
        null,
        null,
        null,
        null,
        null,
        null,
        size.renderWidth(),
        size.renderHeight(),
        size.upscale(),
        null);
  }

  /** Names the image derived for this generation beside a job's PNG: size, and quality if lossy. */
  String variant() {
    return format == ImageFormat.PNG ? size.name() : size.name() + "-q" + Math.round(quality * 100);
  }

  private static boolean base64(ImageGenerationRequest request) {
    String format = request.responseFormat();
    if (format == null) {
      return OpenAiModels.BASE64_ONLY.equals(request.model());
    }
    return switch (format) {
      case "b64_json" -> true;
      case "url" -> false;
      default ->
          throw OpenAiException.invalid(
              "response_format",
              "Invalid value for 'response_format': '" + format + "'; expected url or b64_json");
    };
  }

  private static ImageFormat format(String name) {
    if (name == null) {
      return ImageFormat.PNG;
    }
    ImageFormat format =
        ImageFormat.named(name)
            .orElseThrow(
                () ->
                    OpenAiException.invalid(
                        "output_format",
                        "Invalid value for 'output_format': '"
                            + name
                            + "'; expected png, jpeg or webp"));
    if (!format.writable()) {
      throw OpenAiException.invalid(
          "output_format",
          "output_format "
              + format.wireName()
              + " is not available on this farm: the gateway encodes with ImageIO, which writes"
              + " png and jpeg, and no "
              + format.wireName()
              + " writer is on its classpath");
    }
    return format;
  }

  private static float quality(Integer compression) {
    int value = compression == null ? 100 : compression;
    if (value < 0 || value > 100) {
      throw OpenAiException.invalid(
          "output_compression",
          "Invalid value for 'output_compression': must be between 0 and 100, got " + value);
    }
    return value / 100f;
  }
}
