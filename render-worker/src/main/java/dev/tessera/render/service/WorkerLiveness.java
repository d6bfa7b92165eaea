package dev.tessera.render.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Down when start-up failed or the queue loop died, so the orchestrator restarts the worker ({@code /q/health/live}). */
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
    var response = HealthCheckResponse.named("render-worker").status(!failed);
    if (failed) {
      response.withData("error", service.failure());
    }
    return response.build();
  }
}
