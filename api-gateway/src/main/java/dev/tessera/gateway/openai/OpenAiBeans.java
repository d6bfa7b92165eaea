package dev.tessera.gateway.openai;

import dev.tessera.gateway.compat.FarmJobs;
import dev.tessera.gateway.compat.ImageWork;
import dev.tessera.gateway.compat.JobWatch;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.jobs.SubmissionRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the OpenAI-compatible API. */
@ApplicationScoped
public class OpenAiBeans {
  @Produces
  @Singleton
  ImageGeneration imageGeneration(
      SubmissionRules rules,
      FarmJobs jobs,
      JobWatch watch,
      ResultImages results,
      ImageWork work,
      OpenAiConfig config) {
    Clock clock = Clock.systemUTC();
    return new ImageGeneration(
        new OpenAiModels(rules.models(), clock.instant().getEpochSecond()),
        jobs,
        watch,
        results,
        work,
        config.timeout(),
        clock);
  }
}
