package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.deploy.stack.FreePorts;
import dev.tessera.deploy.stack.JvmCommand;
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
import java.util.OptionalInt;

/**
 * One of the farm's Quarkus services (gateway, scheduler, a render worker) running as a child JVM
 * from its {@code target/quarkus-app} on a free HTTP port, with its output appended to a log file.
 * Like the stack's servers it exits when this JVM dies.
 *
 * <p>The port is chosen here and bound by the child a few seconds later, once Quarkus has started;
 * should another process take it meanwhile, the child exits, and the service is started again on
 * another port (at most {@value FreePorts#ATTEMPTS} launches in all) as soon as {@link #awaitReady}
 * or {@link #liveness} notices. Until then {@link #isAlive} counts it as alive, so that a
 * supervisor does not start a second one; {@link #url} names the port of the latest launch.
 *
 * <p>Lifetime: from {@link #start} until {@link #stop}, {@link #kill} or {@link #close()} (safe
 * twice); none of them is followed by a relaunch.
 */
public final class AppProcess implements AutoCloseable {
  private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final System.Logger LOG = System.getLogger(AppProcess.class.getName());

  /** Starts the service's JVM, which is to listen on {@code httpPort}. */
  @FunctionalInterface
  interface Launcher {
    ServerProcess launch(int httpPort) throws IOException;
  }

  private final Launcher launcher;

  /** The port every launch takes, or 0 for a free one each time. */
  private final int fixedPort;

  private ServerProcess process;
  private int httpPort;
  private int launches;
  private boolean stopped;

  private AppProcess(Launcher launcher, int fixedPort) {
    this.launcher = launcher;
    this.fixedPort = fixedPort;
  }

  /**
   * Starts the Quarkus application in {@code quarkusApp} (a {@code target/quarkus-app} directory)
   * with {@code env} added to this JVM's environment.
   */
  public static AppProcess start(String name, Path quarkusApp, Map<String, String> env, Path log)
      throws IOException {
    return start(name, quarkusApp, env, log, 0);
  }

  /**
   * As {@link #start(String, Path, Map, Path)}, on {@code port} when it is not 0 (a service started
   * again where its clients know it; should another process take it meanwhile, the relaunches try
   * it again), else on a free one.
   */
  public static AppProcess start(
      String name, Path quarkusApp, Map<String, String> env, Path log, int port)
      throws IOException {
    Path runJar = quarkusApp.resolve("quarkus-run.jar");
    if (!Files.isRegularFile(runJar)) {
      throw new IOException(
          name + ": " + runJar + " is missing; build the farm first (./mvnw install -DskipTests)");
    }
    return start(
        httpPort -> {
          Map<String, String> withPort = new LinkedHashMap<>(env);
          withPort.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
          return ServerProcess.launch(
              new JvmCommand(
                  name, List.of("-Xmx2g"), runJar.toString(), QUARKUS_MAIN, List.of(), withPort),
              log);
        },
        port);
  }

  /** Starts a service through {@code launcher} on a port from {@link FreePorts}. */
  static AppProcess start(Launcher launcher) throws IOException {
    return start(launcher, 0);
  }

  private static AppProcess start(Launcher launcher, int port) throws IOException {
    AppProcess app = new AppProcess(launcher, port);
    synchronized (app) {
      app.launch();
    }
    return app;
  }

  private void launch() throws IOException {
    httpPort = fixedPort != 0 ? fixedPort : FreePorts.next();
    process = launcher.launch(httpPort);
    launches++;
  }

  /** Whether the last launch exited on a taken port and may be launched again. */
  private boolean relaunchDue() {
    return !stopped && launches < FreePorts.ATTEMPTS && process.exitedOnTakenPort();
  }

  /**
   * The process of the latest launch, after launching again on another port when {@link
   * #relaunchDue}.
   */
  private synchronized ServerProcess current() throws IOException {
    if (relaunchDue()) {
      LOG.log(
          System.Logger.Level.INFO,
          process.name()
              + ": another process took port "
              + httpPort
              + " before the service could bind it; starting it again on another port");
      launch();
    }
    return process;
  }

  /**
   * Waits until {@code /q/health/ready} answers 200; fails with the log's tail when the process
   * exits or reports itself not live ({@code /q/health/live}, e.g. a worker whose start-up failed)
   * first.
   */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      ServerProcess running = current();
      if (status(URI.create(url() + "/q/health/ready")) == 200) {
        return;
      }
      if (!running.isAlive() && !isAlive()) {
        running
            .checkAlive(); // fails with the log; one that lost its port is launched again instead,
        // just below
      }
      int liveness = liveness();
      if (liveness != 200 && liveness != -1) {
        throw new IOException(
            name()
                + " failed to start (/q/health/live answers "
                + liveness
                + "); its log:\n"
                + running.logTail());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name(), e);
      }
    }
    throw new IOException(
        name() + " was not ready within " + timeout + "; its log:\n" + current().logTail());
  }

  /**
   * The status {@code /q/health/live} answers (200 live, 503 down), or -1 while the service does
   * not answer.
   */
  public int liveness() throws IOException {
    current();
    return status(URI.create(url() + "/q/health/live"));
  }

  /**
   * What the liveness check reports besides its status (for a render worker: the queue loop's state
   * and counters).
   *
   * @throws IOException when the service does not answer
   */
  public JsonNode livenessData() throws IOException {
    HttpRequest live =
        HttpRequest.newBuilder(URI.create(url() + "/q/health/live"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      String body = HTTP.send(live, HttpResponse.BodyHandlers.ofString()).body();
      return JSON.readTree(body).path("checks").path(0).path("data");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The HTTP status a GET of {@code uri} answers, or -1 while the service does not answer yet. */
  private static int status(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  public synchronized String name() {
    return process.name();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** The HTTP port of the latest launch. */
  public synchronized int port() {
    return httpPort;
  }

  /** {@code http://127.0.0.1:<port>}, the port of the latest launch. */
  public synchronized String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Whether the service runs, or is to be launched again because its port was taken. */
  public synchronized boolean isAlive() {
    return process.isAlive() || relaunchDue();
  }

  /** Asks the service to shut down (SIGTERM) and waits; kills it when it takes too long. */
  public void stop() {
    stopping().stop();
  }

  /**
   * Sends SIGTERM, as Kubernetes does to stop a pod, and returns at once; nothing launches it
   * again. See {@link #awaitExit}.
   */
  public void terminate() throws IOException {
    stopping();
    signal("TERM");
  }

  /**
   * Waits up to {@code timeout} for the service's process to exit.
   *
   * @return its exit status, or empty while it still runs
   */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    ServerProcess running;
    synchronized (this) {
      running = process;
    }
    return running.awaitExit(timeout);
  }

  /** Kills the service at once (SIGKILL), as a crash would, and waits until it is gone. */
  public void kill() {
    stopping().kill();
  }

  /**
   * Freezes the process (SIGSTOP), as a hung machine would: it holds its connections and answers
   * nothing until {@link #resume()}.
   */
  public void suspend() throws IOException {
    signal("STOP");
  }

  /** Lets a {@link #suspend()}ed process run again (SIGCONT). */
  public void resume() throws IOException {
    signal("CONT");
  }

  private void signal(String name) throws IOException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
    try {
      if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("cannot send SIG" + name + " to " + name() + " (pid " + pid() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling " + name(), e);
    }
  }

  @Override
  public void close() {
    stopping().close();
  }

  /**
   * Rules out any further launch and returns the process to stop, which is waited for outside the
   * lock.
   */
  private synchronized ServerProcess stopping() {
    stopped = true;
    return process;
  }
}
