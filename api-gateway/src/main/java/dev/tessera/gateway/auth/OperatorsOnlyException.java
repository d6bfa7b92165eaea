package dev.tessera.gateway.auth;

/**
 * A request for a farm-wide view by a tenant that is not an operator ({@code tenants.operator}):
 * answered 403, since its key is valid but does not reach this far.
 */
public final class OperatorsOnlyException extends RuntimeException {
  /**
   * @param what the request refused, e.g. {@code GET /v1/workers}
   */
  public OperatorsOnlyException(String what, String tenant) {
    super(what + " is for operators only; tenant " + tenant + " is not one");
  }
}
