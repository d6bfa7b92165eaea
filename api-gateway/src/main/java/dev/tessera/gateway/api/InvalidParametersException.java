package dev.tessera.gateway.api;

import dev.tessera.common.FieldProblem;
import java.util.List;

/**
 * Query parameters that cannot be used; {@link #problems()} names each (as {@code field}). Answered
 * with a 400.
 */
public final class InvalidParametersException extends RuntimeException {
  private final List<FieldProblem> problems;

  InvalidParametersException(List<FieldProblem> problems) {
    super(problems.get(0).toString());
    this.problems = List.copyOf(problems);
  }

  public List<FieldProblem> problems() {
    return problems;
  }
}
