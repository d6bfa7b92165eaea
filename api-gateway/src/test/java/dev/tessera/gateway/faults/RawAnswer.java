package dev.tessera.gateway.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The answer to raw bytes written on a socket of their own: status, content type and body (by its
 * Content-Length, or up to the end of the stream).
 */
record RawAnswer(int status, String contentType, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_MILLIS = 20_000;

  /** Writes {@code request} and reads the answer; null when the server closed without one. */
  static RawAnswer exchange(String host, int port, byte[] request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (SocketException e) {
        // The server answered (and closed) before it read everything: read what it said.
      }
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = line(in);
      if (statusLine == null) {
        return null;
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      String type = "";
      int length = -1;
      for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        } else if (name.equals("content-type")) {
          type = value;
        }
      }
      byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
      return new RawAnswer(status, type, body);
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) {
        return null; // closed on us: no answer, which is not a wrong one
      }
      throw e;
    }
  }

  /** What is wrong with this answer, or null. */
  String problem() {
    String text = new String(body, StandardCharsets.UTF_8);
    if (status >= 500) {
      return "status " + status + ": " + text;
    }
    if (DatabaseOutageTest.INTERNALS.matcher(text).find()) {
      return "status " + status + " reveals internals: " + text;
    }
    if (status >= 400 && body.length > 0) {
      try {
        JSON.readTree(body);
      } catch (IOException e) {
        return "status " + status + " (" + contentType + ") is not JSON: " + text;
      }
    }
    return null;
  }

  /** A line up to CRLF (or LF), in ISO-8859-1; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }
}
