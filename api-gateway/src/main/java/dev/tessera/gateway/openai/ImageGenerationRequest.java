package dev.tessera.gateway.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/images/generations}, as OpenAI's SDKs send it. Fields this farm has
 * no use for ({@code quality}, {@code style}, {@code user}, {@code background}, {@code moderation},
 * ...) are ignored, as are unknown ones, so that clients written for OpenAI or for other compatible
 * servers work unchanged.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@Schema(name = "ImageGenerationRequest")
public record ImageGenerationRequest(
    @Schema(
            description =
                "A farm model (GET /v1/models); dall-e-2, dall-e-3 and gpt-image-1 mean the farm's"
                    + " default model")
        String model,
    @Schema(required = true) String prompt,
    @Schema(minimum = "1", maximum = "10", defaultValue = "1") Integer n,
    @Schema(
            enumeration = {
              "256x256",
              "512x512",
              "1024x1024",
              "1536x1024",
              "1024x1536",
              "1792x1024",
              "1024x1792",
              "2048x2048",
              "auto"
            },
            defaultValue = "1024x1024")
        String size,
    @Schema(
            enumeration = {"url", "b64_json"},
            description = "Default url (b64_json for gpt-image-1)")
        String responseFormat,
    @Schema(
            enumeration = {"png", "jpeg", "webp"},
            defaultValue = "png",
            description = "webp only where an ImageIO plugin on the classpath writes it")
        String outputFormat,
    @Schema(minimum = "0", maximum = "100", defaultValue = "100", description = "jpeg quality")
        Integer outputCompression) {}
