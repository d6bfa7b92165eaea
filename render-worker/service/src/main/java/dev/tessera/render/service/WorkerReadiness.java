package dev.tessera.render.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the models are loaded and warmed up and the worker takes jobs ({@code
 * /q/health/ready}); not ready again once it drains.
 */
@Readiness
@ApplicationScoped
public class WorkerReadiness implements HealthCheck {
  private final WorkerService service;

  WorkerReadiness(WorkerService service) {
    this.service = service;
  }

  @Override
  public HealthCheckResponse call() {
    WorkerService.Phase phase = service.phase();
    var response =
        HealthCheckResponse.named("render-worker")
            .status(phase == WorkerService.Phase.READY)
            .withData("phase", phase.name().toLowerCase());
    if (phase == WorkerService.Phase.FAILED) {
      response.withData("error", service.failure());
    }
    return response.build();
  }
}
