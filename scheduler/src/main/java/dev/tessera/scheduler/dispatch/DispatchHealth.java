package dev.tessera.scheduler.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Shows in {@code /q/health/ready} whether this scheduler leads ({@code "leading": true}) or stands
 * by; either is ready, since a standby applies events and takes over when the leader dies.
 */
@Readiness
@ApplicationScoped
public class DispatchHealth implements HealthCheck {
  private final DispatchLoop loop;

  DispatchHealth(DispatchLoop loop) {
    this.loop = loop;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("dispatcher").up().withData("leading", loop.leading()).build();
  }
}
