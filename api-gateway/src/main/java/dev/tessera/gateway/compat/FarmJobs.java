package dev.tessera.gateway.compat;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.jobs.InTransaction;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.JobSubmission;
import dev.tessera.gateway.jobs.SubmissionRules;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Submits the jobs of one compatibility request (an OpenAI image generation, an A1111 txt2img) the
 * way {@code POST /v1/jobs} submits one: the same rules, the tenant's quota, {@link JobSubmission}.
 * All or nothing, as the client sent one request: every job is checked before the first is stored,
 * and when a later one is refused (the tenant's {@code max-queued}, the database) those already
 * stored are cancelled before the error goes on. Thread-safe.
 */
public final class FarmJobs {
  private static final UUID CHECK_ONLY = new UUID(0, 0);

  private final SubmissionRules rules;
  private final JobSubmission submission;
  private final JobCancellation cancellation;

  public FarmJobs(SubmissionRules rules, JobSubmission submission, JobCancellation cancellation) {
    this.rules = rules;
    this.submission = submission;
    this.cancellation = cancellation;
  }

  /**
   * Stores {@code requests} as {@code tenant}'s queued jobs.
   *
   * @return their ids, in the order of {@code requests}
   * @throws dev.tessera.gateway.jobs.InvalidJobException before anything is stored
   * @throws dev.tessera.gateway.quota.QuotaExceededException when the tenant may not queue them all
   */
  public List<UUID> submit(Tenant tenant, List<JobRequest> requests) throws SQLException {
    Instant now = Instant.now();
    for (JobRequest request : requests) {
      rules.toJob(request, CHECK_ONLY, now);
    }
    List<UUID> stored = new ArrayList<>();
    try {
      for (JobRequest request : requests) {
        stored.add(submission.submit(tenant, request, InTransaction.none()).id());
      }
    } catch (SQLException | RuntimeException e) {
      if (!stored.isEmpty()) {
        try {
          cancellation.cancelAll(tenant, stored);
        } catch (SQLException | RuntimeException cancel) {
          e.addSuppressed(cancel);
        }
      }
      throw e;
    }
    return stored;
  }
}
