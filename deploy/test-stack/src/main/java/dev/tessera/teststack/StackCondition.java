package dev.tessera.teststack;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition behind {@link NeedsStack}: disabled, with the reason, when {@link
 * TestStack#choice()} is skipped.
 */
public final class StackCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    TestStack.Choice choice = TestStack.choice();
    return choice.skipped()
        ? ConditionEvaluationResult.disabled(choice.skipReason())
        : ConditionEvaluationResult.enabled("the stack " + TestStack.ENV + " chose runs here");
  }
}
