package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.gateway.compat.FarmJobs;
import dev.tessera.gateway.compat.ImageWork;
import dev.tessera.gateway.compat.JobWatch;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.SubmissionRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/** Wires the A1111-compatible API. */
@ApplicationScoped
public class SdApiBeans {
  @Produces
  @Singleton
  Txt2ImgRuns txt2ImgRuns(DataSource dataSource, JobCancellation cancellation) {
    return new Txt2ImgRuns(new JobProgress(dataSource), cancellation, Clock.systemUTC());
  }

  @Produces
  @Singleton
  Txt2Img txt2Img(
      SubmissionRules rules,
      FarmJobs jobs,
      JobWatch watch,
      ResultImages results,
      ImageWork work,
      Txt2ImgRuns runs,
      ObjectMapper mapper,
      SdApiConfig config) {
    // 32-bit seeds, as A1111 draws them for seed -1.
    return new Txt2Img(
        rules.models(),
        jobs,
        watch,
        results,
        work,
        runs,
        mapper,
        config.timeout(),
        () -> ThreadLocalRandom.current().nextLong(1L << 32));
  }
}
