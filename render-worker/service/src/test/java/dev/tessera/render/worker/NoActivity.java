package dev.tessera.render.worker;

import java.util.List;
import java.util.UUID;

/** For runners whose tests do not look at heartbeats. */
final class NoActivity implements JobRunner.Activity {
  @Override
  public void busy(List<UUID> jobIds) {}

  @Override
  public void idle() {}
}
