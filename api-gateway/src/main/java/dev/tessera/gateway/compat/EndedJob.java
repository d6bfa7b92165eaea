package dev.tessera.gateway.compat;

import dev.tessera.common.JobState;
import java.util.UUID;

/**
 * A job that reached a terminal state, as its row says.
 *
 * @param objectKey where its image is once it SUCCEEDED; null when the row names none (workers then
 *     store it at the conventional key)
 * @param error why it failed or was cancelled, if the row says
 */
public record EndedJob(UUID id, JobState state, String objectKey, String error) {
  /** {@code job <id> <STATE>: <error>}, for the answer to a request whose job did not succeed. */
  public String summary() {
    return "job " + id + " " + state + (error == null ? "" : ": " + error);
  }
}
