package dev.tessera.gateway.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;

/**
 * Generates hostile requests to every endpoint of the gateway from one seed: random and mutated
 * JSON, wrong types, huge numbers, deep nesting, invalid UTF-8, NUL and control characters, large
 * and chunked bodies, bad headers, bad ids and path tricks. Pure and repeatable: the same seed
 * gives the same requests.
 */
final class HostileRequests {
  /** How the endpoint answers errors: RFC 9457 problems, or a compatibility API's own JSON. */
  enum ErrorFormat {
    PROBLEM,
    OPENAI,
    A1111
  }

  /**
   * One request. {@code path} is sent as is (already percent-encoded where needed); {@code body} is
   * null for none; {@code chunked} sends the body without a length.
   */
  record Request(
      String endpoint,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      boolean chunked,
      ErrorFormat errors) {
    String describe() {
      String shown =
          body == null
              ? ""
              : " body("
                  + body.length
                  + " B"
                  + (chunked ? ", chunked" : "")
                  + ")="
                  + abbreviate(new String(body, StandardCharsets.UTF_8));
      return method + " " + abbreviate(path) + " " + abbreviate(headers.toString()) + shown;
    }
  }

  /** The ids the requests may name: the tenant's own, another tenant's, and none at all. */
  record Ids(String job, String batch, String otherTenantsJob) {}

  static final int MIB = 1 << 20;

  private static final String[] JOB_FIELDS = {
    "prompt",
    "negative_prompt",
    "seed",
    "steps",
    "guidance",
    "scheduler",
    "karras",
    "width",
    "height",
    "upscale",
    "model",
    "priority",
    "webhook_url",
    "webhook_events",
    "custom_id"
  };

  private static final String VALID_JOB =
      "{\"prompt\":\"a lighthouse at dusk\",\"negative_prompt\":\"fog\",\"seed\":7,\"steps\":2,"
          + "\"guidance\":7.5,\"scheduler\":\"euler\",\"karras\":false,\"width\":64,\"height\":64,"
          + "\"upscale\":\"none\",\"priority\":50}";

  private static final String VALID_BATCH =
      "{\"defaults\":{\"steps\":2,\"upscale\":\"none\"},\"items\":[{\"custom_id\":\"a\","
          + "\"prompt\":\"a lighthouse\"},{\"custom_id\":\"b\",\"prompt\":\"a harbour\",\"seed\":3}]}";

  private static final String VALID_LINES =
      "{\"custom_id\":\"a\",\"prompt\":\"a lighthouse\",\"steps\":2}\n"
          + "{\"custom_id\":\"b\",\"prompt\":\"a harbour\",\"upscale\":\"none\"}\n";

  private static final String OPENAI_REQUEST =
      "{\"model\":\"miniature-sd2-v\",\"prompt\":\"a lighthouse\",\"n\":1,\"size\":\"256x256\","
          + "\"response_format\":\"url\"}";

  private static final String A1111_REQUEST =
      "{\"prompt\":\"a lighthouse\",\"steps\":2,\"width\":64,\"height\":64,\"sampler_name\":\"Euler\"}";

  private static final String[] STRANGE_STRINGS = {
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\u0001\u0002\u0003\u001b[31m",
    "\r\n\t",
    "\uFEFF",
    "\uD83D\uDE00",
    "\u202Eevil",
    "'; DROP TABLE jobs; --",
    "../../etc/passwd",
    "%00",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "NaN",
    "null",
    "\\u0000",
  };

  private static final String[] STRANGE_NUMBERS = {
    "0",
    "-0",
    "-1",
    "1e999999",
    "-1e999999",
    "123456789012345678901234567890",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "1.0000000000000000000001",
    "1e-400",
    "0.5",
    "5e1",
    "00012",
    "0x10",
    "Infinity",
    "-Infinity",
    "NaN",
    "1_000"
  };

  private static final String[] BAD_IDS = {
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "%00",
    "%2e%2e",
    "..%2f..%2fjobs",
    "%252e%252e",
    "%C0%AE",
    "%FF%FE",
    "x".repeat(2048),
    "' OR 1=1 --",
    "12345678-1234-1234-1234-1234567890123",
    "%0d%0aX-Injected:%201",
    "%F0%9F%98%80",
    "{id}",
    "null",
    "-1",
    ";jsessionid=1"
  };

  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=bogus",
    "application/x-ndjson",
    "text/plain",
    "application/xml",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "*/*",
    "application/problem+json",
    "garbage",
    "",
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Random random;
  private final Ids ids;
  private final String key;

  HostileRequests(long seed, Ids ids, String key) {
    this.random = new Random(seed);
    this.ids = ids;
    this.key = key;
  }

  /** The endpoints, as the names the requests carry, and the path tricks (which go anywhere). */
  static final List<String> ENDPOINTS =
      List.of(
          "POST /v1/jobs",
          "GET /v1/jobs",
          "GET /v1/jobs/{id}",
          "POST /v1/jobs/{id}/cancel",
          "GET /v1/jobs/{id}/events",
          "POST /v1/batches",
          "GET /v1/batches/{id}",
          "GET /v1/batches/{id}/results",
          "POST /v1/batches/{id}/cancel",
          "GET /v1/batches/{id}/events",
          "GET /v1/workers",
          "GET /v1/webhooks/secret",
          "GET /v1/webhooks/deliveries",
          "POST /v1/images/generations",
          "GET /v1/models",
          "GET /v1/models/{model}",
          "POST /sdapi/v1/txt2img",
          "GET /sdapi/v1/progress",
          "POST /sdapi/v1/interrupt",
          "GET /sdapi/v1/sd-models",
          "GET /sdapi/v1/samplers",
          "GET /v1/me",
          "GET /v1/jobs/{id}/thumbnail",
          "GET /v1/board",
          "path tricks");

  /** The API's endpoints, as its OpenAPI document names them. */
  static final List<String> API_ENDPOINTS =
      ENDPOINTS.stream().filter(e -> !e.equals("path tricks")).toList();

  /** The next request, for endpoint {@code index} of {@link #ENDPOINTS}. */
  Request next(int index) {
    String endpoint = ENDPOINTS.get(index % ENDPOINTS.size());
    Map<String, String> headers = headers();
    return switch (endpoint) {
      case "POST /v1/jobs" -> post(endpoint, "/v1/jobs", headers, jsonBody(VALID_JOB, true));
      case "GET /v1/jobs" -> get(endpoint, "/v1/jobs" + listingQuery(), headers);
      case "GET /v1/jobs/{id}" -> get(endpoint, "/v1/jobs/" + id(ids.job()) + waitQuery(), headers);
      case "POST /v1/jobs/{id}/cancel" ->
          post(endpoint, "/v1/jobs/" + id(ids.job()) + "/cancel", headers, maybeBody());
      // A stream for a real job stays open: only ids that do not lead to one.
      case "GET /v1/jobs/{id}/events" -> get(endpoint, "/v1/jobs/" + badId() + "/events", headers);
      case "POST /v1/batches" -> batch(endpoint, headers);
      case "GET /v1/batches/{id}" ->
          get(endpoint, "/v1/batches/" + id(ids.batch()) + waitQuery(), headers);
      case "GET /v1/batches/{id}/results" ->
          get(endpoint, "/v1/batches/" + id(ids.batch()) + "/results", headers);
      case "POST /v1/batches/{id}/cancel" ->
          post(endpoint, "/v1/batches/" + id(ids.batch()) + "/cancel", headers, maybeBody());
      case "GET /v1/batches/{id}/events" ->
          get(endpoint, "/v1/batches/" + badId() + "/events", headers);
      case "GET /v1/workers" -> get(endpoint, "/v1/workers" + listingQuery(), headers);
      case "GET /v1/webhooks/secret" -> get(endpoint, "/v1/webhooks/secret", headers);
      case "GET /v1/webhooks/deliveries" ->
          get(endpoint, "/v1/webhooks/deliveries" + listingQuery(), headers);
      // The compatibility APIs answer when the render is done: only requests that cannot be valid.
      case "POST /v1/images/generations" ->
          new Request(
              endpoint,
              "POST",
              "/v1/images/generations",
              headers,
              invalidBody(OPENAI_REQUEST),
              random.nextInt(10) == 0,
              ErrorFormat.OPENAI);
      case "GET /v1/models" -> compat(endpoint, "GET", "/v1/models", headers, ErrorFormat.OPENAI);
      case "GET /v1/models/{model}" ->
          compat(endpoint, "GET", "/v1/models/" + badId(), headers, ErrorFormat.OPENAI);
      case "POST /sdapi/v1/txt2img" ->
          new Request(
              endpoint,
              "POST",
              "/sdapi/v1/txt2img",
              headers,
              invalidBody(A1111_REQUEST),
              random.nextInt(10) == 0,
              ErrorFormat.A1111);
      case "GET /sdapi/v1/progress" ->
          compat(
              endpoint, "GET", "/sdapi/v1/progress" + listingQuery(), headers, ErrorFormat.A1111);
      case "POST /sdapi/v1/interrupt" ->
          compat(endpoint, "POST", "/sdapi/v1/interrupt", headers, ErrorFormat.A1111);
      case "GET /sdapi/v1/sd-models" ->
          compat(endpoint, "GET", "/sdapi/v1/sd-models", headers, ErrorFormat.A1111);
      case "GET /sdapi/v1/samplers" ->
          compat(endpoint, "GET", "/sdapi/v1/samplers", headers, ErrorFormat.A1111);
      case "GET /v1/me" -> get(endpoint, "/v1/me" + listingQuery(), headers);
      // The test's jobs never succeed: a preview is refused (409), as for an unknown id (404).
      case "GET /v1/jobs/{id}/thumbnail" ->
          get(endpoint, "/v1/jobs/" + id(ids.job()) + "/thumbnail", headers);
      case "GET /v1/board" -> get(endpoint, "/v1/board" + listingQuery(), headers);
      default -> pathTrick(endpoint, headers);
    };
  }

  /** A body over the limit, sent with its length or chunked: {@code size} bytes of a JSON job. */
  static byte[] oversized(int size) {
    byte[] body = new byte[size];
    byte[] head = "{\"prompt\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, body, 0, head.length);
    for (int i = head.length; i < size - 2; i++) {
      body[i] = 'a';
    }
    body[size - 2] = '"';
    body[size - 1] = '}';
    return body;
  }

  private Request get(String endpoint, String path, Map<String, String> headers) {
    return new Request(endpoint, "GET", path, headers, null, false, ErrorFormat.PROBLEM);
  }

  private Request post(String endpoint, String path, Map<String, String> headers, byte[] body) {
    return new Request(
        endpoint,
        "POST",
        path,
        headers,
        body,
        body != null && random.nextInt(10) == 0,
        ErrorFormat.PROBLEM);
  }

  private Request compat(
      String endpoint, String method, String path, Map<String, String> headers, ErrorFormat f) {
    return new Request(endpoint, method, path, headers, null, false, f);
  }

  private Request batch(String endpoint, Map<String, String> headers) {
    if (random.nextBoolean()) {
      headers.put("Content-Type", "application/x-ndjson");
      return post(
          endpoint, "/v1/batches", headers, mutate(VALID_LINES.getBytes(StandardCharsets.UTF_8)));
    }
    return post(endpoint, "/v1/batches", headers, jsonBody(VALID_BATCH, true));
  }

  private Request pathTrick(String endpoint, Map<String, String> headers) {
    String[] paths = {
      "/v1/jobs/../batches",
      "/v1//jobs",
      "/v1/jobs/%2e%2e/batches",
      "/v1/jobs;x=1",
      "/v1/jobs/%00",
      "/v1/%6aobs",
      "/v1/jobs/" + ids.job() + "/%2e%2e/%2e%2e/workers",
      "/V1/JOBS",
      "/v1/jobs/" + ids.job() + "/cancel/extra",
      "/v1/batches/" + ids.batch() + "/results/..",
      "/v2/jobs",
      "/q/../v1/jobs",
      "/v1/jobs/%252e%252e",
      "/v1/jobs?limit=1&limit=2",
      "/v1/jobs/" + ids.otherTenantsJob(),
      "/v1/jobs/" + ids.otherTenantsJob() + "/cancel",
      "/v1/jobs/" + "a/".repeat(200),
      "/%u0000",
      "/v1/jobs/%E0%A4%A",
      "/v1/webhooks/../../q/health",
    };
    String path = paths[random.nextInt(paths.length)];
    String method =
        new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}
            [random.nextInt(7)];
    byte[] body = method.equals("POST") || method.equals("PUT") ? maybeBody() : null;
    return new Request(endpoint, method, path, headers, body, false, ErrorFormat.PROBLEM);
  }

  /** Usually the tenant's key and JSON, else a hostile variant of a header. */
  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + key);
    headers.put("Content-Type", "application/json");
    if (random.nextInt(4) != 0) {
      return headers;
    }
    switch (random.nextInt(10)) {
      case 0 -> headers.remove("Authorization");
      case 1 ->
          headers.put(
              "Authorization",
              new String[] {
                    "Bearer",
                    "Bearer ",
                    "Basic dXNlcjpwYXNz",
                    "Bearer tsk_" + "A".repeat(43),
                    "Bearer " + key + key,
                    "bearer " + key,
                    "Bearer  " + key,
                    "Bearer " + "x".repeat(4000),
                    "Bearer tsk_\u00e9\u00e9",
                  }
                  [random.nextInt(9)]);
      case 2 -> headers.put("Content-Type", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
      case 3 ->
          headers.put(
              "Idempotency-Key",
              new String[] {
                    "unquoted",
                    "\"\"",
                    "\"" + "k".repeat(300) + "\"",
                    "\"tab\there\"",
                    "\"" + UUID.randomUUID() + "\"",
                    "\"\u00e9\"",
                    "\"a\", \"b\"",
                  }
                  [random.nextInt(7)]);
      case 4 ->
          headers.put(
              "If-None-Match",
              new String[] {"*", "garbage", "\"\"", "W/\"x\"", "\"" + "e".repeat(2000) + "\""}
                  [random.nextInt(5)]);
      case 5 ->
          headers.put(
              "Accept",
              new String[] {"text/html", "application/xml", "*/*;q=x", ""}[random.nextInt(4)]);
      case 6 -> headers.put("X-Big", "v".repeat(1000 + random.nextInt(7000)));
      case 7 ->
          headers.put("Content-Encoding", new String[] {"gzip", "br", "bogus"}[random.nextInt(3)]);
      case 8 -> headers.put("X-Request-Id", "\u00ff\u00fe" + "r".repeat(random.nextInt(100)));
      default -> headers.put("Accept-Charset", "utf-7");
    }
    return headers;
  }

  /** A job id: usually the real one, else a bad one. */
  private String id(String real) {
    return random.nextInt(3) == 0 ? real : badId();
  }

  private String badId() {
    return random.nextInt(4) == 0
        ? UUID.randomUUID().toString()
        : BAD_IDS[random.nextInt(BAD_IDS.length)];
  }

  private String listingQuery() {
    String[] names = {"limit", "batch", "state", "cursor", "wait", "foo", "", "limit%00"};
    String[] values = {
      "1",
      "0",
      "-1",
      "1001",
      "abc",
      "",
      "QUEUED",
      "queued",
      "SUCCEEDED",
      "%00",
      "AQAG%2F%2B",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "x".repeat(3000),
      ids.batch(),
      "1e9",
      "%FF%FE"
    };
    int n = random.nextInt(4);
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < n; i++) {
      query.append(i == 0 ? "?" : "&");
      query.append(names[random.nextInt(names.length)]);
      if (random.nextInt(6) != 0) {
        query.append('=').append(values[random.nextInt(values.length)]);
      }
    }
    return query.toString();
  }

  /** A {@code wait} that does not hold the request long: the fuzz must not wait a minute. */
  private String waitQuery() {
    String[] waits = {
      "",
      "?wait=0",
      "?wait=1",
      "?wait=-1",
      "?wait=61",
      "?wait=abc",
      "?wait=",
      "?wait=1.5",
      "?wait=99999999999999999999",
      "?wait=0&wait=1",
      "?wait=%00"
    };
    return waits[random.nextInt(waits.length)];
  }

  private byte[] maybeBody() {
    return random.nextInt(3) == 0 ? jsonBody(VALID_JOB, true) : null;
  }

  /** A body of one of the hostile kinds; {@code mayBeValid} allows the valid one itself. */
  private byte[] jsonBody(String valid, boolean mayBeValid) {
    return switch (random.nextInt(mayBeValid ? 8 : 7)) {
      case 0 -> mutate(valid.getBytes(StandardCharsets.UTF_8));
      case 1 -> mutate(mutate(valid.getBytes(StandardCharsets.UTF_8)));
      case 2 -> randomJson(0).getBytes(StandardCharsets.UTF_8);
      case 3 -> wrongTypes().getBytes(StandardCharsets.UTF_8);
      case 4 -> deepNesting();
      case 5 -> invalidUtf8(valid);
      case 6 -> strangePrompt().getBytes(StandardCharsets.UTF_8);
      default -> valid.getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A body that no compatibility API can take as a request to render. */
  private byte[] invalidBody(String valid) {
    while (true) {
      byte[] body = jsonBody(valid, false);
      if (!mayRender(body)) {
        return body;
      }
    }
  }

  /** Byte-level mutations of a JSON text: deletions, insertions, flips, truncation, repeats. */
  private byte[] mutate(byte[] text) {
    if (text.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = random.nextInt(text.length);
    switch (random.nextInt(7)) {
      case 0 -> {
        out.write(text, 0, at);
        int from = Math.min(text.length, at + 1 + random.nextInt(5));
        out.write(text, from, text.length - from);
      }
      case 1 -> {
        out.write(text, 0, at);
        byte[] junk = {'{', '}', '[', ']', '"', ',', ':', '\\', 0, (byte) 0xff, '\n', '-', 'e'};
        out.write(junk[random.nextInt(junk.length)]);
        out.write(text, at, text.length - at);
      }
      case 2 -> {
        byte[] copy = text.clone();
        copy[at] = (byte) (copy[at] ^ (1 << random.nextInt(8)));
        return copy;
      }
      case 3 -> out.write(text, 0, at);
      case 4 -> {
        out.write(text, 0, at);
        int len = Math.min(text.length - at, 1 + random.nextInt(20));
        for (int i = 0; i < 2 + random.nextInt(50); i++) {
          out.write(text, at, len);
        }
        out.write(text, at, text.length - at);
      }
      case 5 -> {
        String s = new String(text, StandardCharsets.UTF_8);
        String number = STRANGE_NUMBERS[random.nextInt(STRANGE_NUMBERS.length)];
        return s.replaceFirst("\\d+(\\.\\d+)?", Matcher.quoteReplacement(number))
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        String s = new String(text, StandardCharsets.UTF_8);
        String field = JOB_FIELDS[random.nextInt(JOB_FIELDS.length)];
        return s.replaceFirst(
                "\\{", Matcher.quoteReplacement("{\"" + field + "\":" + randomValue(2) + ","))
            .getBytes(StandardCharsets.UTF_8);
      }
    }
    return out.toByteArray();
  }

  private String randomJson(int depth) {
    if (random.nextInt(3) == 0) {
      return randomValue(depth);
    }
    StringBuilder json = new StringBuilder("{");
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        json.append(',');
      }
      String name =
          random.nextInt(4) == 0
              ? quote(STRANGE_STRINGS[random.nextInt(STRANGE_STRINGS.length)])
              : quote(JOB_FIELDS[random.nextInt(JOB_FIELDS.length)]);
      json.append(name).append(':').append(randomValue(depth + 1));
    }
    return json.append('}').toString();
  }

  private String randomValue(int depth) {
    return switch (random.nextInt(depth > 3 ? 5 : 7)) {
      case 0 -> quote(STRANGE_STRINGS[random.nextInt(STRANGE_STRINGS.length)]);
      case 1 -> STRANGE_NUMBERS[random.nextInt(STRANGE_NUMBERS.length)];
      case 2 -> random.nextBoolean() ? "true" : "false";
      case 3 -> "null";
      case 4 -> quote(randomText(random.nextInt(40)));
      case 5 -> "[" + randomValue(depth + 1) + "," + randomValue(depth + 1) + "]";
      default -> randomJson(depth + 1);
    };
  }

  /** Every job field with a value of the wrong kind. */
  private String wrongTypes() {
    StringBuilder json = new StringBuilder("{\"prompt\":\"x\"");
    for (String field : JOB_FIELDS) {
      if (random.nextBoolean()) {
        json.append(",\"").append(field).append("\":").append(randomValue(3));
      }
    }
    return json.append('}').toString();
  }

  private byte[] deepNesting() {
    int depth = 500 + random.nextInt(5000);
    String open = random.nextBoolean() ? "[" : "{\"prompt\":";
    String close = open.equals("[") ? "]" : "}";
    return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] invalidUtf8(String valid) {
    byte[] text = valid.getBytes(StandardCharsets.UTF_8);
    byte[][] bad = {
      {(byte) 0xc3, 0x28},
      {(byte) 0xff},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xc0, (byte) 0xaf}
    };
    // Inside the prompt's value, after its first character.
    int at = valid.indexOf(':') + 3;
    byte[] insert = bad[random.nextInt(bad.length)];
    byte[] out = new byte[text.length + insert.length];
    System.arraycopy(text, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(text, at, out, at + insert.length, text.length - at);
    return out;
  }

  /** A prompt with NUL, control characters or other oddities, JSON-escaped or raw. */
  private String strangePrompt() {
    String prompt = randomText(1 + random.nextInt(30));
    String odd = STRANGE_STRINGS[random.nextInt(STRANGE_STRINGS.length)];
    return "{\"prompt\":" + quote(prompt + odd + prompt) + ",\"steps\":2}";
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      text.appendCodePoint(
          kind < 6
              ? 'a' + random.nextInt(26)
              : kind < 8 ? random.nextInt(0x20) : 0xa0 + random.nextInt(0x2000));
    }
    return text.toString();
  }

  /** A JSON string literal: control characters escaped, sometimes raw (invalid JSON). */
  private String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    boolean raw = random.nextInt(20) == 0;
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 && !raw) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Whether a compatibility API might take {@code body} as a request to render: one JSON object
   * with a prompt that reads as non-blank text (Jackson turns a number or a boolean into text).
   */
  private static boolean mayRender(byte[] body) {
    try {
      JsonNode tree = JSON.readTree(body);
      JsonNode prompt = tree == null ? null : tree.get("prompt");
      return prompt != null && prompt.isValueNode() && !prompt.asText().isBlank();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "…(" + s.length() + ")" : s;
  }
}
