package dev.tessera.gateway.batches;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.FieldProblem;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JsonFieldProblems;
import dev.tessera.gateway.jobs.InvalidJobException;
import dev.tessera.gateway.jobs.JobIds;
import dev.tessera.gateway.jobs.QueuedJob;
import dev.tessera.gateway.jobs.SubmissionRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link BatchBody} into the jobs to store, all or none: each item is merged over the
 * defaults, read with the field names of {@code POST /v1/jobs} (unknown fields refused) and checked
 * by the same {@link SubmissionRules}; every problem of every item is collected before the batch is
 * refused, each named where its value came from ({@code items[17].steps}, or {@code defaults.steps}
 * for a default at fault). Thread-safe.
 */
public final class BatchRules {
  /** Most jobs in one batch; {@link BatchBodyReader} refuses more. */
  public static final int MAX_JOBS = 10_000;

  /** Longest custom id, in characters. */
  public static final int MAX_CUSTOM_ID_CHARS = 64;

  /**
   * Most problems one answer lists; a batch of 10,000 bad items would otherwise answer megabytes.
   */
  public static final int MAX_LISTED_PROBLEMS = 100;

  private static final String CUSTOM_ID = "custom_id";

  private final SubmissionRules rules;
  private final ObjectMapper mapper;
  private final ObjectReader requests;

  /**
   * @param mapper the gateway's strict mapper (see {@code StrictJson}), so a batch item is read as
   *     strictly as a single job
   */
  public BatchRules(SubmissionRules rules, ObjectMapper mapper) {
    this.rules = rules;
    this.mapper = mapper;
    this.requests =
        mapper.readerFor(JobRequest.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /**
   * The jobs {@code body} asks for, submitted at {@code now}, in its order.
   *
   * @throws InvalidBatchException naming every problem, when there is any
   */
  List<BatchJob> toJobs(BatchBody body, Instant now) {
    int count = body.items().size();
    if (count == 0) {
      throw new InvalidBatchException(
          new FieldProblem(body.itemsName(), "must hold at least one job"));
    }
    Set<FieldProblem> problems = new LinkedHashSet<>();
    ObjectNode defaults = body.defaults().deepCopy();
    if (defaults.remove(CUSTOM_ID) != null) {
      problems.add(new FieldProblem("defaults.custom_id", "each job names its own custom_id"));
    }
    // Read on their own first, so that a bad default is named once, and kept out of every job.
    read(defaults, "defaults", problems);
    Map<String, String> seen = new HashMap<>();
    List<BatchJob> jobs = new ArrayList<>(count);
    for (BatchBody.Item item : body.items()) {
      if (item.fields() == null) {
        problems.add(new FieldProblem(item.name(), "must be a JSON object"));
        continue;
      }
      String customId = customId(item, seen, problems);
      Optional<QueuedJob> job = job(item, defaults, now, problems);
      if (customId != null && job.isPresent()) {
        jobs.add(new BatchJob(customId, job.get()));
      }
    }
    if (!problems.isEmpty()) {
      List<FieldProblem> listed = problems.stream().limit(MAX_LISTED_PROBLEMS).toList();
      throw new InvalidBatchException(listed, problems.size() - listed.size());
    }
    return jobs;
  }

  private static String customId(
      BatchBody.Item item, Map<String, String> seen, Set<FieldProblem> problems) {
    String field = item.name() + "." + CUSTOM_ID;
    JsonNode value = item.fields().get(CUSTOM_ID);
    String problem;
    if (value == null || value.isNull()) {
      problem = "is required: your name for the job, unique in the batch";
    } else if (!value.isTextual()) {
      problem = "must be a string";
    } else if (value.textValue().isEmpty()) {
      problem = "must not be empty";
    } else if (value.textValue().indexOf('\0') >= 0) {
      problem = "must not contain the NUL character (\\u0000)";
    } else if (chars(value.textValue()) > MAX_CUSTOM_ID_CHARS) {
      problem =
          "must be at most " + MAX_CUSTOM_ID_CHARS + " characters, got " + chars(value.textValue());
    } else {
      String first = seen.putIfAbsent(value.textValue(), item.name());
      if (first == null) {
        return value.textValue();
      }
      problem = "'" + value.textValue() + "' is the custom_id of " + first + " already";
    }
    problems.add(new FieldProblem(field, problem));
    return null;
  }

  // Characters as PostgreSQL counts them (code points), so the column's check never fires first.
  private static int chars(String text) {
    return text.codePointCount(0, text.length());
  }

  private Optional<QueuedJob> job(
      BatchBody.Item item, ObjectNode defaults, Instant now, Set<FieldProblem> problems) {
    ObjectNode fields = mapper.createObjectNode();
    fields.setAll(defaults);
    fields.setAll(item.fields());
    fields.remove(CUSTOM_ID);
    // The defaults left are readable: what cannot be read is the item's own.
    Optional<JobRequest> request = read(fields, item.name(), problems);
    if (request.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(rules.toJob(request.get(), JobIds.next(), now));
    } catch (InvalidJobException e) {
      e.problems().forEach(problem -> problems.add(named(problem, item, defaults)));
      return Optional.empty();
    }
  }

  /**
   * {@code fields} as a job request, when every one of them can be read (known, of the right kind).
   * Otherwise each that cannot is named under {@code owner} and removed from {@code fields}, so
   * that one answer names them all (Jackson stops at the first).
   */
  private Optional<JobRequest> read(ObjectNode fields, String owner, Set<FieldProblem> problems) {
    boolean readable = true;
    while (true) {
      try {
        JobRequest request = requests.readValue(fields);
        return readable ? Optional.of(request) : Optional.empty();
      } catch (JsonMappingException e) {
        Optional<FieldProblem> problem = JsonFieldProblems.of(e);
        if (problem.isEmpty() || !fields.has(topField(problem.get().field()))) {
          // Not about one of the fields: nothing to remove and read again without.
          problems.add(new FieldProblem(owner, "must be a JSON object of job fields"));
          return Optional.empty();
        }
        problems.add(new FieldProblem(owner + "." + problem.get().field(), problem.get().detail()));
        fields.remove(topField(problem.get().field()));
        readable = false;
      } catch (IOException e) {
        // Reading a tree does no I/O.
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String topField(String path) {
    return path.split("[.\\[]", 2)[0];
  }

  /**
   * {@code problem} named for where its value came from: the item, else the defaults, else (a
   * required field nobody gave) the item.
   */
  private static FieldProblem named(
      FieldProblem problem, BatchBody.Item item, ObjectNode defaults) {
    String field = problem.field();
    String top = topField(field);
    String owner = !item.fields().has(top) && defaults.has(top) ? "defaults" : item.name();
    return new FieldProblem(field.isEmpty() ? owner : owner + "." + field, problem.detail());
  }
}
