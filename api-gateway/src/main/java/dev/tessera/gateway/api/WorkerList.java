package dev.tessera.gateway.api;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /v1/workers}: every worker, by id. */
@Schema(name = "WorkerList")
public record WorkerList(List<WorkerView> data) {}
