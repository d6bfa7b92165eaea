package dev.tessera.common;

/**
 * One invalid field of a request: the field's wire name (as in the JSON API, e.g. {@code
 * negative_prompt}) and what is wrong with it. Front ends render it in their own way: the CLI as
 * {@code --steps: ...}, the gateway as an RFC 9457 problem naming the field.
 */
public record FieldProblem(String field, String detail) {
  @Override
  public String toString() {
    return field + ": " + detail;
  }
}
