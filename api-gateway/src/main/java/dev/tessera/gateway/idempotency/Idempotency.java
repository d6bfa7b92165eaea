package dev.tessera.gateway.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.CrashPoint;
import dev.tessera.common.Json;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.jobs.InTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Runs a submission endpoint under its {@code Idempotency-Key} header, when it has one: claims the
 * key, replays a stored answer, or refuses the reuse, and stores the new answer in the submission's
 * own transaction. The header is a structured-field string ({@code "..."}); a bare token is taken
 * too. Keys are per tenant and kept {@link IdempotencyKeys#KEPT}.
 */
@ApplicationScoped
public class Idempotency {
  /** The header, as draft-ietf-httpapi-idempotency-key-header names it. */
  public static final String HEADER = "Idempotency-Key";

  /** Marks an answer that was stored by an earlier request with the same key. */
  public static final String REPLAYED = "Idempotent-Replayed";

  private static final Pattern KEY = Pattern.compile("[\\x20-\\x7e]{1,255}");

  /** A submission's answer: 202 with the created resource's location and body. */
  public record Accepted(String location, Object body) {}

  /** A submission that adds {@code hook} to its transaction, with its answer. */
  @FunctionalInterface
  public interface Submission {
    Accepted run(InTransaction<Accepted> hook) throws SQLException;
  }

  @Inject IdempotencyKeys keys;
  @Inject ObjectMapper json;

  /**
   * Runs {@code submission} of {@code request} (as parsed) to {@code path} for {@code tenant} under
   * {@code header}.
   *
   * @throws IdempotencyException when the key is malformed (400), reused for another request (422)
   *     or still in flight (409)
   */
  public Response submit(
      Tenant tenant, String header, String path, Object request, Submission submission)
      throws SQLException {
    if (header == null) {
      return accepted(submission.run(InTransaction.none()));
    }
    String key = parse(header);
    IdempotencyKeys.Claim claim =
        keys.claim(tenant, key, IdempotencyKeys.fingerprint("POST", path, Json.encode(request)));
    if (claim instanceof IdempotencyKeys.Replay replay) {
      IdempotencyKeys.Answer answer = replay.answer();
      Response.ResponseBuilder response =
          Response.status(answer.status())
              .type(MediaType.APPLICATION_JSON)
              .entity(answer.body())
              .header(REPLAYED, "true");
      return (answer.location() == null
              ? response
              : response.header(HttpHeaders.LOCATION, answer.location()))
          .build();
    }
    if (claim instanceof IdempotencyKeys.InFlight) {
      throw new IdempotencyException(
          409, "the first request with this Idempotency-Key is still being processed; retry later");
    }
    if (claim instanceof IdempotencyKeys.Mismatch) {
      throw new IdempotencyException(
          422,
          "this Idempotency-Key was used for another request; use a new key for a new request");
    }
    IdempotencyKeys.Claimed claimed = (IdempotencyKeys.Claimed) claim;
    try {
      return accepted(
          submission.run(
              (connection, accepted) ->
                  keys.complete(
                      connection,
                      claimed,
                      new IdempotencyKeys.Answer(202, accepted.location(), body(accepted)))));
    } catch (SQLException | RuntimeException e) {
      keys.release(claimed);
      throw e;
    }
  }

  private static String parse(String header) {
    String key =
        header.length() >= 2 && header.startsWith("\"") && header.endsWith("\"")
            ? header.substring(1, header.length() - 1)
            : header;
    if (!KEY.matcher(key).matches()) {
      throw new IdempotencyException(
          400, HEADER + ": 1 to 255 printable ASCII characters, e.g. a UUID in double quotes");
    }
    return key;
  }

  private byte[] body(Accepted accepted) {
    try {
      return json.writeValueAsBytes(accepted.body());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the answer: " + e.getMessage(), e);
    }
  }

  /** The answer of a submission whose transaction has committed. */
  private static Response accepted(Accepted accepted) {
    CrashPoint.GATEWAY_AFTER_COMMIT.reached("committed " + accepted.location());
    return Response.accepted(accepted.body())
        .header(HttpHeaders.LOCATION, accepted.location())
        .build();
  }
}
