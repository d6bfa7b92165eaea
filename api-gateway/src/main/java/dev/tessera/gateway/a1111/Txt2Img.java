package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.FieldProblem;
import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JsonFieldProblems;
import dev.tessera.gateway.compat.EndedJob;
import dev.tessera.gateway.compat.FarmJobs;
import dev.tessera.gateway.compat.ImageFit;
import dev.tessera.gateway.compat.ImageFormat;
import dev.tessera.gateway.compat.JobWatch;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.jobs.InvalidJobException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A1111's txt2img over the farm: one farm job per image for the tenant (submitted as {@code POST
 * /v1/jobs} would, all or nothing), an answer once they all ended, with the images as base64 PNGs
 * at the asked size. Thread-safe.
 */
final class Txt2Img {
  private final List<String> models;
  private final FarmJobs jobs;
  private final JobWatch watch;
  private final ResultImages results;
  private final Executor imageWork;
  private final Txt2ImgRuns runs;
  private final ObjectMapper mapper;
  private final Duration timeout;
  private final LongSupplier seeds;

  /**
   * @param models the farm's models, the default first
   * @param imageWork where the images are read, fitted and encoded
   * @param timeout how long a request waits for its jobs
   * @param seeds draws a random seed, as A1111 does for seed -1
   */
  Txt2Img(
      List<String> models,
      FarmJobs jobs,
      JobWatch watch,
      ResultImages results,
      Executor imageWork,
      Txt2ImgRuns runs,
      ObjectMapper mapper,
      Duration timeout,
      LongSupplier seeds) {
    this.models = List.copyOf(models);
    this.jobs = jobs;
    this.watch = watch;
    this.results = results;
    this.imageWork = imageWork;
    this.runs = runs;
    this.mapper = mapper;
    this.timeout = timeout;
    this.seeds = seeds;
  }

  List<String> models() {
    return models;
  }

  /**
   * Submits the images {@code body} asks for as {@code tenant}'s jobs; the answer completes once
   * they ended.
   *
   * @throws SdApiException when the request is invalid; nothing was submitted
   */
  CompletableFuture<Txt2ImgResponse> generate(Tenant tenant, ObjectNode body) throws SQLException {
    if (body == null) {
      throw SdApiException.invalid("field required");
    }
    Txt2ImgPlan plan = Txt2ImgPlan.of(read(body), models, seeds);
    List<UUID> ids;
    try {
      ids = jobs.submit(tenant, plan.jobs());
    } catch (InvalidJobException e) {
      FieldProblem first = e.problems().get(0);
      throw SdApiException.invalid(first.detail(), Txt2ImgPlan.field(first.field()));
    }
    Txt2ImgRuns.Run run = runs.start(tenant, ids);
    return watch
        .whenEnded(
            ids,
            timeout,
            imageWork,
            ended -> answer(plan, body, ended, run),
            () ->
                SdApiException.failure(504, "TimeoutError", JobWatch.stillRendering(ids, timeout)))
        .whenComplete((answer, failure) -> runs.end(tenant, run));
  }

  private Txt2ImgRequest read(ObjectNode body) {
    try {
      return mapper.treeToValue(body, Txt2ImgRequest.class);
    } catch (JsonMappingException e) {
      FieldProblem problem =
          JsonFieldProblems.of(e).orElse(new FieldProblem("", "must be one JSON object"));
      throw problem.field().isEmpty()
          ? SdApiException.invalid(problem.detail())
          : SdApiException.invalid(problem.detail(), problem.field());
    } catch (JsonProcessingException e) {
      throw SdApiException.invalid(e.getOriginalMessage());
    }
  }

  /**
   * The images of the jobs that succeeded. Jobs cancelled by an interrupt are left out, as A1111
   * answers with the images done before it; any other failure fails the request.
   */
  private Txt2ImgResponse answer(
      Txt2ImgPlan plan, ObjectNode body, List<EndedJob> ended, Txt2ImgRuns.Run run) {
    List<EndedJob> failed =
        ended.stream()
            .filter(j -> j.state() != JobState.SUCCEEDED)
            .filter(j -> !(j.state() == JobState.CANCELED && run.interrupted()))
            .toList();
    if (!failed.isEmpty()) {
      throw SdApiException.failure(
          500,
          "RuntimeError",
          failed.stream().map(EndedJob::summary).collect(Collectors.joining("; ")));
    }
    List<String> images = new ArrayList<>();
    if (plan.request().sendImages()) {
      for (EndedJob job : ended) {
        if (job.state() == JobState.SUCCEEDED) {
          images.add(image(plan.hires(), job));
        }
      }
    }
    String info;
    try {
      info =
          mapper.writeValueAsString(
              plan.info(ended.stream().map(EndedJob::id).toList(), run.timestamp()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return new Txt2ImgResponse(images, plan.parameters(body, mapper), info);
  }

  private String image(HiresFix size, EndedJob job) {
    try {
      byte[] png =
          ImageFit.deliver(results.read(job), size.width(), size.height(), ImageFormat.PNG, 1f);
      return Base64.getEncoder().encodeToString(png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
