package dev.tessera.gateway.jobs;

import dev.tessera.common.FieldProblem;
import java.util.List;

/**
 * A job request that cannot be rendered; {@link #problems()} names every bad field, in the order
 * checked.
 */
public final class InvalidJobException extends RuntimeException {
  private final List<FieldProblem> problems;

  public InvalidJobException(List<FieldProblem> problems) {
    super(problems.isEmpty() ? "invalid job request" : problems.get(0).toString());
    this.problems = List.copyOf(problems);
  }

  public List<FieldProblem> problems() {
    return problems;
  }
}
