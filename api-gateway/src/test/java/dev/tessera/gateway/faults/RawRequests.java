package dev.tessera.gateway.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Requests no HTTP client library would send: bytes on the wire that break HTTP/1.1's grammar (NUL,
 * raw spaces and non-ASCII bytes in the request line or headers, bare LF, headers without a colon,
 * conflicting lengths, bad chunk sizes, unknown versions and methods), each as the exact bytes to
 * write to a socket. Pure and repeatable: the same seed gives the same requests.
 */
final class RawRequests {
  /** One request: what it tries, and its bytes. */
  record Raw(String kind, byte[] bytes) {}

  private static final List<String> PATHS =
      List.of("/v1/jobs", "/v1/batches", "/v1/images/generations", "/sdapi/v1/txt2img");

  private final Random random;
  private final String key;

  RawRequests(long seed, String key) {
    this.random = new Random(seed);
    this.key = key;
  }

  Raw next() {
    String path = PATHS.get(random.nextInt(PATHS.size()));
    String auth = "Authorization: Bearer " + key + "\r\n";
    String json = "Content-Type: application/json\r\n";
    String body = "{\"prompt\":\"raw\",\"steps\":2}";
    return switch (random.nextInt(16)) {
      case 0 ->
          raw("NUL in the path", "GET " + path + "/\0 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
      case 1 ->
          raw("space in the path", "GET " + path + "/a b HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
      case 2 ->
          bytes(
              "non-ASCII bytes in the path",
              ("GET " + path + "/").getBytes(StandardCharsets.ISO_8859_1),
              new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0xaf},
              (" HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      case 3 ->
          bytes(
              "control and non-ASCII bytes in a header",
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-Request-Id: a")
                  .getBytes(StandardCharsets.ISO_8859_1),
              new byte[] {1, 0, (byte) 0xff, 0x7f},
              "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      case 4 ->
          raw(
              "space in a header name",
              "GET " + path + " HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n" + auth + "\r\n");
      case 5 ->
          raw(
              "Content-Length and Transfer-Encoding together",
              "POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + json
                  + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + Integer.toHexString(body.length())
                  + "\r\n"
                  + body
                  + "\r\n0\r\n\r\n");
      case 6 ->
          raw(
              "two different Content-Lengths",
              "POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + json
                  + "Content-Length: "
                  + body.length()
                  + "\r\nContent-Length: 3\r\n\r\n"
                  + body);
      case 7 ->
          raw(
              "a chunk size that is no number",
              "POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + json
                  + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"
                  + body
                  + "\r\n0\r\n\r\n");
      case 8 ->
          raw(
              "a Content-Length that is no number",
              "POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + json
                  + "Content-Length: "
                  + new String[] {"-1", "abc", "1e3", "99999999999999999999"}[random.nextInt(4)]
                  + "\r\n\r\n"
                  + body);
      case 9 ->
          raw(
              "bare LF line ends",
              "GET " + path + " HTTP/1.1\nHost: x\n" + auth.replace("\r\n", "\n") + "\n");
      case 10 -> raw("no version", "GET " + path + "\r\n\r\n");
      case 11 -> raw("unknown method", "BREW " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
      case 12 -> raw("unknown version", "GET " + path + " HTTP/9.9\r\nHost: x\r\n" + auth + "\r\n");
      case 13 ->
          raw(
              "a header without a colon",
              "GET " + path + " HTTP/1.1\r\nHost: x\r\nnocolon\r\n" + auth + "\r\n");
      case 14 ->
          bytes(
              "invalid UTF-8 in a JSON body",
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: x\r\n"
                      + auth
                      + json
                      + "Content-Length: 16\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1),
              new byte[] {
                '{',
                '"',
                'p',
                'r',
                'o',
                'm',
                'p',
                't',
                '"',
                ':',
                '"',
                (byte) 0xc3,
                0x28,
                '"',
                '}',
                ' '
              });
      default ->
          raw(
              "obsolete line folding",
              "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-Folded: a\r\n b\r\n\r\n");
    };
  }

  private static Raw raw(String kind, String text) {
    return new Raw(kind, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Raw bytes(String kind, byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return new Raw(kind, out.toByteArray());
  }
}
