package dev.tessera.scheduler;

/**
 * Hears of every transition the {@link JobRepository} applied, once, after it is committed: a write
 * that lost its guard (a duplicate or late event, a concurrent writer) is never reported. Called on
 * the writer's thread, so it must be quick and must not throw.
 */
@FunctionalInterface
public interface TransitionListener {
  void applied(AppliedTransition transition);
}
