package dev.tessera.deploy.stack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stand-in server for the tests of port handling, small enough to start in a fraction of a
 * second: answers every HTTP request with 200 on 127.0.0.1 at the port its argument names, until
 * its parent ends it.
 */
public final class HealthStub {
  private HealthStub() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  /**
   * Starts the stub in a JVM of its own with {@code arg} as its argument, its output appended to
   * {@code log}.
   */
  public static ServerProcess launch(String arg, Path log) throws IOException {
    return ServerProcess.launch(
        new JvmCommand(
            "health stub",
            List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"),
            classpath(),
            HealthStub.class.getName(),
            List.of(arg),
            Map.of()),
        log);
  }

  /**
   * Starts the stub on {@code port} and waits until it answers HTTP (a socket that merely accepts
   * connections, as one another process holds does, is not enough); fails as {@link
   * ServerProcess#checkAlive} does when it exits first.
   */
  public static ServerProcess start(int port, Path log) throws IOException, InterruptedException {
    ServerProcess stub = launch(Integer.toString(port), log);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      stub.checkAlive();
      try {
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        return stub;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    stub.kill();
    throw new IOException("the health stub did not listen on port " + port + " within 30 s");
  }

  /** Waits until {@code server} has exited, for at most 30 s. */
  public static void awaitExit(ServerProcess server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static String classpath() {
    try {
      return Path.of(HealthStub.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the test classes", e);
    }
  }
}
