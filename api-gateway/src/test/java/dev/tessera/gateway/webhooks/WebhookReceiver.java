package dev.tessera.gateway.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A client's webhook endpoint on the loopback interface: keeps every request it gets and answers
 * each with the status {@code answers} gives for its number (1, 2, ...).
 */
public final class WebhookReceiver implements AutoCloseable {
  /**
   * One POST as the receiver got it.
   *
   * @param id the {@code webhook-id} header
   * @param timestamp the {@code webhook-timestamp} header
   * @param signature the {@code webhook-signature} header
   */
  public record Received(String id, String timestamp, String signature, byte[] body) {}

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger count = new AtomicInteger();

  /**
   * @param answers the status for the n-th request, from 1
   */
  public WebhookReceiver(IntUnaryOperator answers) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          var headers = exchange.getRequestHeaders();
          synchronized (received) {
            received.add(
                new Received(
                    headers.getFirst("webhook-id"),
                    headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"),
                    body));
            received.notifyAll();
          }
          exchange.sendResponseHeaders(answers.applyAsInt(count.incrementAndGet()), -1);
          exchange.close();
        });
    server.start();
  }

  /** A receiver that takes every delivery. */
  public static WebhookReceiver accepting() throws IOException {
    return new WebhookReceiver(n -> 204);
  }

  /** The URL deliveries go to. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** What it got so far, in order. */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * What it got, once it got at least {@code n} requests.
   *
   * @throws AssertionError when fewer came within {@code timeout}
   */
  public List<Received> await(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (received.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "expected " + n + " webhook requests within " + timeout + ", got " + received.size());
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(received);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
