package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.deploy.stack.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the farm's Quarkus services (gateway, scheduler, a render worker) running as a child JVM from its
 * {@code target/quarkus-app} on a free HTTP port, with its output appended to a log file. Like the stack's servers it
 * exits when this JVM dies.
 *
 * <p>Lifetime: from {@link #start} until {@link #stop}, {@link #kill} or {@link #close()} (safe twice).
 */
public final class AppProcess implements AutoCloseable {
  private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ServerProcess process;
  private final int httpPort;

  private AppProcess(ServerProcess process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * Starts the Quarkus application in {@code quarkusApp} (a {@code target/quarkus-app} directory) with
   * {@code env} added to this JVM's environment.
   */
  public static AppProcess start(String name, Path quarkusApp, Map<String, String> env, Path log) throws IOException {
    Path runJar = quarkusApp.resolve("quarkus-run.jar");
    if (!Files.isRegularFile(runJar)) {
      throw new IOException(name + ": " + runJar + " is missing; build the farm first (./mvnw install -DskipTests)");
    }
    int port = ServerProcess.freePort();
    Map<String, String> withPort = new LinkedHashMap<>(env);
    withPort.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    return new AppProcess(
        ServerProcess.launch(name, List.of("-Xmx2g"), runJar.toString(), QUARKUS_MAIN, List.of(), withPort, log),
        port);
  }

  /**
   * Waits until {@code /q/health/ready} answers 200; fails with the log's tail when the process exits or reports
   * itself not live ({@code /q/health/live}, e.g. a worker whose start-up failed) first.
   */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      process.checkAlive();
      if (status(ready) == 200) {
        return;
      }
      int liveness = liveness();
      if (liveness != 200 && liveness != -1) {
        throw new IOException(name() + " failed to start (/q/health/live answers " + liveness + "); its log:\n"
            + process.logTail());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name(), e);
      }
    }
    throw new IOException(name() + " was not ready within " + timeout + "; its log:\n" + process.logTail());
  }

  /** The status {@code /q/health/live} answers (200 live, 503 down), or -1 while the service does not answer. */
  public int liveness() throws IOException {
    return status(HttpRequest.newBuilder(URI.create(url() + "/q/health/live")).timeout(Duration.ofSeconds(2)).build());
  }

  /**
   * What the liveness check reports besides its status (for a render worker: the queue loop's state and counters).
   *
   * @throws IOException when the service does not answer
   */
  public JsonNode livenessData() throws IOException {
    HttpRequest live = HttpRequest.newBuilder(URI.create(url() + "/q/health/live")).timeout(Duration.ofSeconds(5))
        .build();
    try {
      String body = HTTP.send(live, HttpResponse.BodyHandlers.ofString()).body();
      return JSON.readTree(body).path("checks").path(0).path("data");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The HTTP status of {@code request}, or -1 while the service does not answer yet. */
  private static int status(HttpRequest request) throws IOException {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  public String name() {
    return process.name();
  }

  public long pid() {
    return process.pid();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Asks the service to shut down (SIGTERM) and waits; kills it when it takes too long. */
  public void stop() {
    process.stop();
  }

  /** Kills the service at once (SIGKILL), as a crash would, and waits until it is gone. */
  public void kill() {
    process.kill();
  }

  @Override
  public void close() {
    process.close();
  }
}
