package dev.tessera.deploy.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * A real S3 server: S3Proxy ({@code org.gaul:s3proxy}) with its filesystem backend, each bucket a
 * directory under {@code <data dir>/blobs}, AWS signature v2/v4 authentication enforced for one
 * fixed key pair. The MinIO Java SDK, the farm's S3 client, works against it (path-style requests,
 * presigned URLs, ranged GETs, multipart uploads). S3Proxy runs in a JVM of its own: its
 * dependencies (Jetty, Jackson 3, the AWS, Azure and Google SDKs, logback, 57 MB) would otherwise
 * land on the classpath of every service test that uses the stack.
 *
 * <p>Files under the data directory: {@code s3proxy.properties}, {@code logback.xml}, {@code
 * s3proxy.log} (the server's output, appended across starts) and {@code blobs/}.
 *
 * <p>Lifetime: running from {@link #start} until {@link #stop()} or {@link #close()} (safe twice);
 * {@link #restart()} brings a stopped server back on the same port. The data survives, so a
 * restart, or a start on the same directory, finds the same buckets and objects. The server JVM
 * never outlives the JVM that started it.
 */
public final class S3Service implements ObjectStore {
  public static final String ACCESS_KEY = "tessera";
  public static final String SECRET_KEY = "tessera-secret";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private ServerProcess server;
  private boolean closed;

  private S3Service(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts S3Proxy on 127.0.0.1:{@code port} with its data under {@code dataDir}, and returns once
   * it answers HTTP requests. With {@code port} 0 it chooses a free port, and chooses again when
   * another process takes it before S3Proxy binds it ({@link FreePorts#retry}).
   */
  public static S3Service start(Path dataDir, int port) throws IOException {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir.resolve("blobs"));
    return port > 0
        ? startOn(dir, port)
        : FreePorts.retry("S3Proxy", () -> startOn(dir, FreePorts.next()));
  }

  private static S3Service startOn(Path dir, int port) throws IOException {
    S3Service s3 = new S3Service(dir, port);
    s3.launch();
    return s3;
  }

  private void launch() throws IOException {
    Path properties = writeConfig(dir, port);
    // C1 only and the serial collector, as for the broker: it starts in half the time on two cores
    List<String> jvmOptions =
        List.of(
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
    server =
        ServerProcess.launch(
            JvmCommand.onRuntime(
                "S3Proxy",
                "s3proxy",
                jvmOptions,
                "org.gaul.s3proxy.Main",
                List.of("--properties", properties.toString())),
            dir.resolve("s3proxy.log"));
    try {
      awaitReady();
    } catch (IOException | RuntimeException e) {
      server.kill();
      server = null;
      throw e;
    }
  }

  /** {@code http://127.0.0.1:port}, the endpoint for path-style S3 clients. */
  @Override
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  /** Stops the server and waits until it is gone; a no-op when it is stopped already. */
  @Override
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Stops the server if it runs, starts it again on the same port with the same objects. */
  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "S3Service at " + dir + " is closed; start a new one instead");
    }
    stop();
    launch();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      stop();
    }
  }

  private static Path writeConfig(Path dir, int port) throws IOException {
    Properties config = new Properties();
    config.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    config.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    config.setProperty("s3proxy.identity", ACCESS_KEY);
    config.setProperty("s3proxy.credential", SECRET_KEY);
    config.setProperty("jclouds.provider", "filesystem-nio2");
    config.setProperty("jclouds.filesystem.basedir", dir.resolve("blobs").toString());
    // the backend's own credentials: required by S3Proxy's Main, unused by a local filesystem
    config.setProperty("jclouds.identity", "local");
    config.setProperty("jclouds.credential", "local");
    Path file = dir.resolve("s3proxy.properties");
    try (var out = Files.newBufferedWriter(file)) {
      config.store(out, "written by " + S3Service.class.getName() + " on every start");
    }
    try (InputStream in = S3Service.class.getResourceAsStream("s3proxy-logback.xml")) {
      Files.copy(in, dir.resolve("logback.xml"), StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /**
   * Waits for S3Proxy's answer to an anonymous request, 403 (any other answer, or none, may come
   * from a process that holds the port S3Proxy has yet to find taken); fails early with its log
   * when it exits.
   */
  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    try {
      while (System.nanoTime() < deadline) {
        server.checkAlive();
        try {
          int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status == 403) {
            return;
          }
          last = "HTTP " + status;
        } catch (IOException e) {
          last = e.toString();
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for S3Proxy at " + endpoint(), e);
    }
    throw new IOException(
        "S3Proxy at "
            + endpoint()
            + " did not answer within "
            + READY_TIMEOUT
            + " (last: "
            + last
            + "); its log:\n"
            + server.logTail());
  }
}
