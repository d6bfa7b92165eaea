package dev.tessera.gateway.batches;

import dev.tessera.common.FieldProblem;
import java.util.List;

/**
 * A batch that cannot be accepted, nothing of it written; {@link #problems()} names the bad fields
 * ({@code items[17].steps}), the first {@value BatchRules#MAX_LISTED_PROBLEMS} of them, and {@link
 * #unlisted()} says how many more there were.
 */
public final class InvalidBatchException extends RuntimeException {
  private final List<FieldProblem> problems;
  private final int unlisted;

  InvalidBatchException(List<FieldProblem> problems, int unlisted) {
    super(problems.get(0).toString());
    this.problems = List.copyOf(problems);
    this.unlisted = unlisted;
  }

  InvalidBatchException(FieldProblem problem) {
    this(List.of(problem), 0);
  }

  public List<FieldProblem> problems() {
    return problems;
  }

  public int unlisted() {
    return unlisted;
  }
}
