package dev.tessera.render.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Down when start-up failed, the queue loop died, or the loop has stalled (idle beside a backlog,
 * or stuck in a step), so that the orchestrator restarts the worker ({@code /q/health/live}). Its
 * data shows the loop's state and counters.
 */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {
  private final WorkerService service;

  WorkerLiveness(WorkerService service) {
    this.service = service;
  }

  @Override
  public HealthCheckResponse call() {
    boolean failed = service.phase() == WorkerService.Phase.FAILED;
    Optional<String> stall = service.stall();
    var response = HealthCheckResponse.named("render-worker").status(!failed && stall.isEmpty());
    if (failed) {
      response.withData("error", service.failure());
    }
    stall.ifPresent(reason -> response.withData("stall", reason));
    service
        .loopStatus()
        .ifPresent(
            s ->
                response
                    .withData("state", s.state().name().toLowerCase())
                    .withData("jobs", s.jobs())
                    .withData("failed_acknowledgements", s.failedAcknowledgements())
                    .withData("reconnects", s.reconnects())
                    .withData("released_unstarted", s.releasedUnstarted()));
    return response.build();
  }
}
