package dev.tessera.gateway.batches;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.api.MalformedBodyException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the two forms of a batch body, as it streams in: JSON ({@code {"defaults": {...}, "items":
 * [...]}}) and JSONL (one job object a line). Text that is not JSON is a {@link
 * MalformedBodyException} (400) saying where; JSON of the wrong shape is an {@link
 * InvalidBatchException} (422) naming the field. What the jobs say is left to {@link BatchRules}.
 * Thread-safe.
 */
public final class BatchBodyReader {
  static final String DEFAULTS = "defaults";
  static final String ITEMS = "items";
  static final String LINES = "lines";

  private static final String EXAMPLE =
      "{\"items\": [{\"custom_id\": \"a\", \"prompt\": \"a lighthouse\"}]}";

  private final ObjectMapper mapper;

  /** Reads one value of a stream, leaving the rest (the mapper would refuse it as trailing). */
  private final ObjectReader values;

  public BatchBodyReader(ObjectMapper mapper) {
    this.mapper = mapper;
    this.values = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** A JSON batch: one object with {@code items} (required) and {@code defaults}. */
  public BatchBody readJson(InputStream body) throws IOException {
    ObjectNode defaults = mapper.createObjectNode();
    List<BatchBody.Item> items = null;
    try (JsonParser parser = mapper.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedBodyException("the body must be one JSON object, such as " + EXAMPLE);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals(DEFAULTS) && value == JsonToken.START_OBJECT) {
          defaults = (ObjectNode) values.readTree(parser);
        } else if (field.equals(ITEMS) && value == JsonToken.START_ARRAY) {
          items = readItems(parser, values);
        } else {
          throw new InvalidBatchException(shapeProblem(field));
        }
      }
      if (parser.nextToken() != null) {
        throw new MalformedBodyException(
            "the body must be one JSON object, with nothing after it, such as " + EXAMPLE);
      }
    } catch (JsonProcessingException e) {
      throw MalformedBodyException.notJson("the body", e, true);
    }
    if (items == null) {
      throw new InvalidBatchException(
          new FieldProblem(ITEMS, "is required: the jobs of the batch, such as " + EXAMPLE));
    }
    return new BatchBody(ITEMS, defaults, items);
  }

  private static List<BatchBody.Item> readItems(JsonParser parser, ObjectReader values)
      throws IOException {
    List<BatchBody.Item> items = new ArrayList<>();
    int count = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      String name = ITEMS + "[" + count++ + "]";
      if (count > BatchRules.MAX_JOBS) {
        parser.skipChildren(); // only counted, so that too many items cost no memory
      } else if (parser.currentToken() == JsonToken.START_OBJECT) {
        items.add(new BatchBody.Item(name, (ObjectNode) values.readTree(parser)));
      } else {
        parser.skipChildren();
        items.add(new BatchBody.Item(name, null));
      }
    }
    checkCount(ITEMS, count);
    return items;
  }

  private static void checkCount(String itemsName, int count) {
    if (count > BatchRules.MAX_JOBS) {
      throw new InvalidBatchException(
          new FieldProblem(
              itemsName,
              "a batch holds at most "
                  + BatchRules.MAX_JOBS
                  + " jobs, got "
                  + count
                  + "; split it into several batches"));
    }
  }

  private static FieldProblem shapeProblem(String field) {
    return switch (field) {
      case DEFAULTS -> new FieldProblem(DEFAULTS, "must be an object of job fields");
      case ITEMS -> new FieldProblem(ITEMS, "must be an array of job objects");
      default ->
          new FieldProblem(field, "unknown field; expected one of " + DEFAULTS + ", " + ITEMS);
    };
  }

  /**
   * A JSONL batch: one job object a line, each with its own {@code custom_id}. Lines are numbered
   * from 1, as editors number them; blank lines are skipped but counted.
   */
  public BatchBody readLines(InputStream body) throws IOException {
    List<BatchBody.Item> items = new ArrayList<>();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16);
    int number = 0;
    int count = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank() || ++count > BatchRules.MAX_JOBS) {
        continue; // past the limit lines are only counted, so that too many cost no memory
      }
      JsonNode job;
      try {
        job = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        throw MalformedBodyException.notJson("line " + number, e, false);
      }
      String name = LINES + "[" + number + "]";
      items.add(new BatchBody.Item(name, job instanceof ObjectNode fields ? fields : null));
    }
    checkCount(LINES, count);
    return new BatchBody(LINES, mapper.createObjectNode(), items);
  }
}
