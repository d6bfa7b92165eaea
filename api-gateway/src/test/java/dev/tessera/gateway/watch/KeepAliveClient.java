package dev.tessera.gateway.watch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The least an HTTP/1.1 client does for a benchmark: GETs on one kept-alive connection, the body
 * read whole by its Content-Length or chunks, so that the load generator's own cost stays small
 * beside the server's on a machine they share. One thread at a time.
 *
 * <p>Lifetime: owns one socket, opened when made, closed by {@link #close()}.
 */
final class KeepAliveClient implements AutoCloseable {
  /** A response's status, ETag (or null) and body length. */
  record Answer(int status, String etag, int length) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;
  private final String authorization;

  KeepAliveClient(String baseUrl, String key) throws IOException {
    URI uri = URI.create(baseUrl);
    socket = new Socket(uri.getHost(), uri.getPort());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    out = socket.getOutputStream();
    host = uri.getHost() + ":" + uri.getPort();
    authorization = "Bearer " + key;
  }

  /** GETs {@code path}, with {@code If-None-Match} unless null. */
  Answer get(String path, String ifNoneMatch) throws IOException {
    StringBuilder request =
        new StringBuilder(256)
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(host)
            .append("\r\nAuthorization: ")
            .append(authorization)
            .append("\r\n");
    if (ifNoneMatch != null) {
      request.append("If-None-Match: ").append(ifNoneMatch).append("\r\n");
    }
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String statusLine = line();
    int status = Integer.parseInt(statusLine.substring(9, 12));
    String etag = null;
    int length = 0;
    boolean chunked = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(value);
      } else if (name.equalsIgnoreCase("etag")) {
        etag = value;
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      }
    }
    if (chunked) {
      length = 0;
      for (int chunk = Integer.parseInt(line().trim(), 16); chunk > 0; ) {
        skip(chunk);
        length += chunk;
        line();
        chunk = Integer.parseInt(line().trim(), 16);
      }
      line();
    } else {
      skip(length);
    }
    return new Answer(status, etag, length);
  }

  private void skip(int bytes) throws IOException {
    if (in.readNBytes(bytes).length != bytes) {
      throw new IOException("the connection closed mid-body");
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection closed");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
