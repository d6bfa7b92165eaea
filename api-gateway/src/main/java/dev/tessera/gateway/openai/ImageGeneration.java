package dev.tessera.gateway.openai;

import dev.tessera.common.FieldProblem;
import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.compat.EndedJob;
import dev.tessera.gateway.compat.FarmJobs;
import dev.tessera.gateway.compat.ImageFit;
import dev.tessera.gateway.compat.JobWatch;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.jobs.InvalidJobException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Generates images for the OpenAI-compatible API: submits {@code n} farm jobs for the tenant (as
 * {@code POST /v1/jobs} would, all or nothing), waits until they ended, and answers with their
 * images at the asked size and format. Thread-safe.
 */
public final class ImageGeneration {
  private final OpenAiModels models;
  private final FarmJobs jobs;
  private final JobWatch watch;
  private final ResultImages results;
  private final Executor imageWork;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param imageWork where the images are read, fitted and encoded
   * @param timeout how long a request waits for its jobs before answering 504
   */
  ImageGeneration(
      OpenAiModels models,
      FarmJobs jobs,
      JobWatch watch,
      ResultImages results,
      Executor imageWork,
      Duration timeout,
      Clock clock) {
    this.models = models;
    this.jobs = jobs;
    this.watch = watch;
    this.results = results;
    this.imageWork = imageWork;
    this.timeout = timeout;
    this.clock = clock;
  }

  OpenAiModels models() {
    return models;
  }

  /**
   * Submits {@code request}'s jobs as {@code tenant}'s; the answer completes once they ended.
   *
   * @throws OpenAiException when a parameter is invalid; nothing was submitted
   * @throws dev.tessera.gateway.quota.QuotaExceededException when the tenant may not queue them
   */
  CompletableFuture<ImagesResponse> generate(Tenant tenant, ImageGenerationRequest request)
      throws SQLException {
    Generation generation = Generation.of(request, models);
    List<UUID> ids;
    try {
      ids = jobs.submit(tenant, Collections.nCopies(generation.n(), generation.job()));
    } catch (InvalidJobException e) {
      FieldProblem first = e.problems().get(0);
      throw OpenAiException.invalid(first.field(), first.toString());
    }
    long created = clock.instant().getEpochSecond();
    return watch.whenEnded(
        ids,
        timeout,
        imageWork,
        ended -> answer(generation, created, ended),
        () -> OpenAiException.timedOut(ids, timeout));
  }

  private ImagesResponse answer(Generation generation, long created, List<EndedJob> ended) {
    List<EndedJob> failed = ended.stream().filter(j -> j.state() != JobState.SUCCEEDED).toList();
    if (!failed.isEmpty()) {
      throw OpenAiException.jobsFailed(
          failed.stream().map(EndedJob::summary).collect(Collectors.joining("; ")));
    }
    List<ImagesResponse.Image> data = new ArrayList<>();
    for (EndedJob job : ended) {
      data.add(image(generation, job));
    }
    return new ImagesResponse(created, data);
  }

  private ImagesResponse.Image image(Generation generation, EndedJob job) {
    OpenAiSize size = generation.size();
    try {
      byte[] png = results.read(job);
      byte[] image =
          ImageFit.deliver(
              png, size.width(), size.height(), generation.format(), generation.quality());
      if (generation.base64()) {
        return new ImagesResponse.Image(
            null, Base64.getEncoder().encodeToString(image), generation.prompt());
      }
      String url =
          image == png
              ? results.link(job)
              : results.store(job.id(), generation.variant(), generation.format(), image);
      return new ImagesResponse.Image(url, null, generation.prompt());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
