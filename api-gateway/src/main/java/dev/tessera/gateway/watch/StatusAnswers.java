package dev.tessera.gateway.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.jobs.JobQuery;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/jobs/{id}} and {@code GET /v1/batches/{id}} with ETags and {@code ?wait}: the
 * bodies {@link JobQuery} and {@link BatchQuery} read, encoded as the API encodes them, tagged, and
 * answered by {@link ConditionalGet}. A job's answer waits on any change of the job; a batch's only
 * on its jobs' states, the only thing its body counts. Thread-safe.
 */
public final class StatusAnswers {
  private final JobQuery jobs;
  private final BatchQuery batches;
  private final ObjectMapper mapper;
  private final ConditionalGet conditional;

  public StatusAnswers(
      JobQuery jobs, BatchQuery batches, ObjectMapper mapper, ConditionalGet conditional) {
    this.jobs = jobs;
    this.batches = batches;
    this.mapper = mapper;
    this.conditional = conditional;
  }

  /**
   * {@code tenant}'s job {@code id}, or 404 (NotFoundException).
   *
   * @param wait the request's {@code ?wait}, or null
   */
  public CompletionStage<Response> job(Tenant tenant, UUID id, String ifNoneMatch, String wait)
      throws SQLException {
    return conditional.answer(
        id,
        change -> change.kind() != JobChange.Kind.REPORTED,
        () ->
            tag(
                jobs.find(tenant, id)
                    .orElseThrow(() -> new NotFoundException("no job with id " + id))),
        ifNoneMatch,
        WaitTime.parse(wait));
  }

  /**
   * {@code tenant}'s batch {@code id}, or 404 (NotFoundException).
   *
   * @param wait the request's {@code ?wait}, or null
   */
  public CompletionStage<Response> batch(Tenant tenant, UUID id, String ifNoneMatch, String wait)
      throws SQLException {
    return conditional.answer(
        id,
        JobChange::movesBatch,
        () ->
            tag(
                batches
                    .find(tenant, id)
                    .orElseThrow(() -> new NotFoundException("no batch with id " + id))),
        ifNoneMatch,
        WaitTime.parse(wait));
  }

  private Tagged tag(Object view) {
    try {
      return Tagged.of(mapper.writeValueAsBytes(view));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + view.getClass().getSimpleName(), e);
    }
  }
}
