package dev.tessera.gateway.compat;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.jobs.JobCancellation;
import dev.tessera.gateway.jobs.JobSubmission;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.gateway.jobs.SubmissionRules;
import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import javax.sql.DataSource;

/** Wires what the OpenAI and AUTOMATIC1111 compatibility APIs share. */
@ApplicationScoped
public class CompatBeans {
  /** How often waited-for jobs are read: a quarter second adds little to a render's seconds. */
  static final Duration WATCH_TICK = Duration.ofMillis(250);

  private static final long STORE_CONNECT_MILLIS = 10_000;
  private static final long STORE_TRANSFER_MILLIS = 60_000;

  @Produces
  @Singleton
  JobWatch jobWatch(DataSource dataSource) {
    return new JobWatch(dataSource, WATCH_TICK);
  }

  void closeJobWatch(@Disposes JobWatch watch) {
    watch.close();
  }

  @Produces
  @Singleton
  ImageWork imageWork() {
    return new ImageWork();
  }

  void closeImageWork(@Disposes ImageWork work) {
    work.close();
  }

  @Produces
  @Singleton
  FarmJobs farmJobs(SubmissionRules rules, JobSubmission submission, JobCancellation cancellation) {
    return new FarmJobs(rules, submission, cancellation);
  }

  @Produces
  @Singleton
  ResultImages resultImages(GatewayConfig config, ResultLinks links) {
    GatewayConfig.S3 s3 = config.s3();
    MinioClient store =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .region(s3.region())
            .credentials(s3.accessKey(), s3.secretKey())
            .build();
    store.setTimeout(STORE_CONNECT_MILLIS, STORE_TRANSFER_MILLIS, STORE_TRANSFER_MILLIS);
    return new ResultImages(store, s3.bucket(), links);
  }
}
