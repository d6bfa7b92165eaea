package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tessera.common.JobState;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One line of {@code GET /v1/batches/{id}/results}: a job of the batch, named by the client's
 * custom id.
 *
 * @param resultUrl a presigned GET URL of the PNG once the job succeeded, else null
 * @param error why the job failed or was canceled, when known; else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "BatchResult")
public record BatchResult(
    String customId,
    UUID jobId,
    JobState state,
    @Schema(nullable = true) String resultUrl,
    @Schema(nullable = true) String error) {}
