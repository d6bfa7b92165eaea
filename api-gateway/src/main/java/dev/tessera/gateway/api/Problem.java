package dev.tessera.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.common.FieldProblem;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem detail, the body of every error answer ({@code application/problem+json}).
 *
 * @param type identifies the kind of problem ({@code urn:tessera:problem:...}, or {@code
 *     about:blank} for a plain HTTP status)
 * @param errors the invalid fields of a request, in the order checked; left out when the problem is
 *     not about fields
 */
@Schema(name = "Problem")
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldProblem> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** A problem with no field errors. */
  public static Problem of(String type, String title, int status, String detail) {
    return new Problem(type, title, status, detail, List.of());
  }
}
