package dev.tessera.render.worker;

import java.util.UUID;

/** For runners whose tests do not look at heartbeats. */
final class NoActivity implements JobRunner.Activity {
  @Override
  public void busy(UUID jobId) {}

  @Override
  public void idle() {}
}
