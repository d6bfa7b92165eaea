package dev.tessera.gateway.compat;

import dev.tessera.deploy.stack.ServiceStack;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.sql.DataSource;

/**
 * Stands in for the scheduler and a render worker in the compatibility APIs' tests, which run
 * neither: it watches one tenant's jobs and moves them as those would, with guarded updates. A
 * QUEUED job is started, a real PNG of the size a worker would deliver (the render size, or 2048 on
 * the long side when the job upscales) is uploaded to the test S3 at {@code results/<id>.png}, and
 * the job SUCCEEDED with that object key. A job whose prompt contains {@link #HOLD} is started and
 * left RUNNING at step 5, one with {@link #FAIL} FAILED; a job whose cancel was requested ends
 * CANCELED, as the scheduler or its worker would end it.
 */
public final class FakeFarm implements AutoCloseable {
  public static final String HOLD = "[hold]";
  public static final String FAIL = "[fail]";
  public static final String FAILURE = "the fake worker was told to fail";

  private static final long TICK_MILLIS = 50;

  /** PNGs by size: encoding a large one is the slowest part of a fake job. */
  private static final Map<String, byte[]> PNGS = new ConcurrentHashMap<>();

  private static final int HELD_STEP = 5;

  private final DataSource dataSource;
  private final MinioClient s3;
  private final String bucket;
  private final UUID tenantId;
  private final Thread thread;
  private volatile boolean running = true;

  public FakeFarm(DataSource dataSource, ServiceStack services, String bucket, UUID tenantId)
      throws Exception {
    this.dataSource = dataSource;
    this.bucket = bucket;
    this.tenantId = tenantId;
    this.s3 =
        MinioClient.builder()
            .endpoint(services.s3().endpoint())
            .credentials(services.s3().accessKey(), services.s3().secretKey())
            .build();
    if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
      s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    }
    thread = new Thread(this::loop, "fake-farm");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        pass();
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        System.err.println("fake farm: " + e);
      }
    }
  }

  private record Queued(
      UUID id, String prompt, int width, int height, String upscale, int target, int steps) {}

  private void pass() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement cancel =
          c.prepareStatement(
              """
              UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1
              WHERE tenant_id = ? AND state IN ('QUEUED', 'DISPATCHED', 'RUNNING')
                AND id IN (SELECT job_id FROM job_cancellations)""")) {
        cancel.setObject(1, tenantId);
        cancel.executeUpdate();
      }
      List<Queued> queued = new ArrayList<>();
      try (PreparedStatement select =
          c.prepareStatement(
              """
              SELECT id, settings->>'prompt' AS prompt, (settings->>'width')::int AS width,
                     (settings->>'height')::int AS height, upscale, target_size,
                     (settings->>'steps')::int AS steps
              FROM jobs WHERE tenant_id = ? AND state = 'QUEUED' ORDER BY created_at""")) {
        select.setObject(1, tenantId);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            queued.add(
                new Queued(
                    rows.getObject("id", UUID.class),
                    rows.getString("prompt"),
                    rows.getInt("width"),
                    rows.getInt("height"),
                    rows.getString("upscale"),
                    rows.getInt("target_size"),
                    rows.getInt("steps")));
          }
        }
      }
      for (Queued job : queued) {
        if (update(
                c,
                """
                UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = 'fake-worker',
                       started_at = now(), progress_step = ?, progress_total = ?, version = version + 1
                WHERE id = ? AND state = 'QUEUED'""",
                HELD_STEP,
                job.steps(),
                job.id())
            == 0) {
          continue;
        }
        if (job.prompt().contains(HOLD)) {
          continue;
        }
        if (job.prompt().contains(FAIL)) {
          update(
              c,
              """
              UPDATE jobs SET state = 'FAILED', error = ?, finished_at = now(), version = version + 1
              WHERE id = ? AND state = 'RUNNING'""",
              FAILURE,
              job.id());
          continue;
        }
        String key = "results/" + job.id() + ".png";
        byte[] png = png(job);
        s3.putObject(
            PutObjectArgs.builder().bucket(bucket).object(key).stream(
                    new ByteArrayInputStream(png), png.length, -1)
                .contentType("image/png")
                .build());
        update(
            c,
            """
            UPDATE jobs SET state = 'SUCCEEDED', object_key = ?, finished_at = now(),
                   progress_step = NULL, progress_total = NULL, version = version + 1
            WHERE id = ? AND state = 'RUNNING'""",
            key,
            job.id());
      }
    }
  }

  /** A PNG of the size the worker delivers: as rendered, or upscaled keeping the aspect. */
  private static byte[] png(Queued job) {
    int width = job.width();
    int height = job.height();
    if (!"none".equals(job.upscale())) {
      int longSide = Math.max(width, height);
      width = (int) Math.round((double) width * job.target() / longSide);
      height = (int) Math.round((double) height * job.target() / longSide);
    }
    int w = width;
    int h = height;
    return PNGS.computeIfAbsent(w + "x" + h, size -> png(w, h));
  }

  private static byte[] png(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int update(Connection c, String sql, Object... params) throws Exception {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      return statement.executeUpdate();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
