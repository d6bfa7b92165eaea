package dev.tessera.gateway.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.cache.ChangeCache;
import dev.tessera.gateway.jobs.JobQuery;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/jobs/{id}} and {@code GET /v1/batches/{id}} with ETags and {@code ?wait}: the
 * bodies {@link JobQuery} and {@link BatchQuery} read, encoded as the API encodes them, tagged, and
 * answered by {@link ConditionalGet}. A job's answer waits on any change of the job; a batch's only
 * on its jobs' states, the only thing its body counts.
 *
 * <p>A job's tagged answer is kept until the job changes (see {@link #forgetter()}), so polling a
 * job that did not move costs no query, and is answered on the calling thread (an event loop): only
 * a read of the database, or a wait, goes to the executor for blocking work. Thread-safe.
 */
public final class StatusAnswers {
  /** A job's answer and the tenant it belongs to, who alone may see it. */
  public record KeptJob(UUID tenantId, Tagged answer) {
    boolean belongsTo(Tenant tenant) {
      return tenantId.equals(tenant.id());
    }
  }

  private final ChangeCache<UUID, KeptJob> keptJobs;
  private final JobQuery jobs;
  private final BatchQuery batches;
  private final ObjectMapper mapper;
  private final ConditionalGet conditional;
  private final Executor blocking;

  /**
   * @param keptJobs where job answers are kept; {@link #forgetter()} must hear every change
   * @param blocking runs what may block: reads of the database and the start of a wait
   */
  public StatusAnswers(
      JobQuery jobs,
      BatchQuery batches,
      ObjectMapper mapper,
      ConditionalGet conditional,
      ChangeCache<UUID, KeptJob> keptJobs,
      Executor blocking) {
    this.keptJobs = keptJobs;
    this.blocking = blocking;
    this.jobs = jobs;
    this.batches = batches;
    this.mapper = mapper;
    this.conditional = conditional;
  }

  /**
   * {@code tenant}'s job {@code id}, or 404 (NotFoundException). Never blocks.
   *
   * @param wait the request's {@code ?wait}, or null
   */
  public CompletionStage<Response> job(Tenant tenant, UUID id, String ifNoneMatch, String wait) {
    Duration waitTime = WaitTime.parse(wait);
    if (waitTime.isZero()) {
      Optional<KeptJob> kept = keptJobs.peek(id).filter(job -> job.belongsTo(tenant));
      if (kept.isPresent()) {
        return CompletableFuture.completedFuture(
            ConditionalGet.respond(kept.get().answer(), ifNoneMatch));
      }
    }
    return offload(
        () ->
            conditional.answer(
                id,
                change -> change.kind() != JobChange.Kind.REPORTED,
                () -> jobAnswer(tenant, id),
                ifNoneMatch,
                waitTime));
  }

  private interface Answer {
    CompletionStage<Response> start() throws SQLException;
  }

  private CompletionStage<Response> offload(Answer answer) {
    CompletableFuture<Response> response = new CompletableFuture<>();
    blocking.execute(
        () -> {
          try {
            answer
                .start()
                .whenComplete(
                    (done, failure) -> {
                      if (failure == null) {
                        response.complete(done);
                      } else {
                        // The exception itself, so that the API's mappers see it.
                        response.completeExceptionally(
                            failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure);
                      }
                    });
          } catch (SQLException | RuntimeException e) {
            response.completeExceptionally(e);
          }
        });
    return response;
  }

  /**
   * Forgets the kept answers of {@code jobIds}: for the gateway's own writes, so its clients see
   * them before the database's announcement arrives.
   */
  public void forget(Collection<UUID> jobIds) {
    jobIds.forEach(keptJobs::forget);
  }

  /** Forgets kept answers as the {@link ChangeHub} it watches reports changes. */
  public ChangeHub.Observer forgetter() {
    return new ChangeHub.Observer() {
      @Override
      public void changed(JobChange change) {
        keptJobs.forget(change.jobId());
      }

      @Override
      public void resync() {
        keptJobs.forgetAll();
      }
    };
  }

  private Tagged jobAnswer(Tenant tenant, UUID id) throws SQLException {
    // Another tenant's kept job answers 404, as its query would.
    return keptJobs
        .get(id, () -> jobs.find(tenant, id).map(view -> new KeptJob(tenant.id(), tag(view))))
        .filter(kept -> kept.belongsTo(tenant))
        .map(KeptJob::answer)
        .orElseThrow(() -> new NotFoundException("no job with id " + id));
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
