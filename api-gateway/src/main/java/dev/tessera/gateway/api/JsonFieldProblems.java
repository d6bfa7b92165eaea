package dev.tessera.gateway.api;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.tessera.common.FieldProblem;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Says which field a JSON binding error is about, and what is wrong with its value, in the client's
 * words: no Java types, no Jackson excerpts. Shared by single jobs (through {@link ProblemMappers})
 * and the items of a batch.
 */
public final class JsonFieldProblems {
  private JsonFieldProblems() {}

  /** The field {@code e} is about, e.g. {@code steps}; empty when it is about the whole value. */
  public static Optional<FieldProblem> of(JsonMappingException e) {
    String field =
        e.getPath().stream()
            .map(
                ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return field.isEmpty() ? Optional.empty() : Optional.of(new FieldProblem(field, detail(e)));
  }

  private static String detail(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field; expected one of "
          + unknown.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      Class<?> type = mismatch.getTargetType();
      if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
        return "must be an integer";
      }
      if (type == Double.class || type == double.class) {
        return "must be a number";
      }
      if (type == Boolean.class || type == boolean.class) {
        return "must be true or false";
      }
      if (type == String.class) {
        return "must be a string";
      }
      if (type.isArray() || Collection.class.isAssignableFrom(type)) {
        return "must be an array";
      }
      if (Map.class.isAssignableFrom(type)) {
        return "must be an object";
      }
    }
    // A number out of range says so itself, briefly ("Numeric value (...) out of range of int
    // ..."); any other message of Jackson's would name Java types.
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root instanceof InputCoercionException range
        ? range.getOriginalMessage()
        : "has a value of the wrong kind";
  }
}
