package dev.tessera.render.service;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Turns SIGTERM, which Kubernetes (and {@code ./farm down}) sends to stop a worker, into a drain
 * followed by an ordinary exit with status 0: the worker finishes or hands back the job under way
 * ({@link WorkerService#drain()}) while its HTTP server still answers health checks, and only then
 * asks Quarkus to shut down. Left to the JVM, SIGTERM would start the shutdown at once and end the
 * process with status 143. A second SIGTERM changes nothing; SIGINT and SIGKILL keep their usual
 * effect.
 */
@ApplicationScoped
public class DrainOnTerm {
  private static final Logger LOG = Logger.getLogger(DrainOnTerm.class);

  private final WorkerService service;
  private final AtomicBoolean draining = new AtomicBoolean();

  DrainOnTerm(WorkerService service, WorkerConfig config) {
    if (config.drainTimeout().isNegative()) {
      throw new IllegalArgumentException(
          "tessera.worker.drain-timeout (TESSERA_DRAIN_TIMEOUT) must not be negative, got "
              + config.drainTimeout());
    }
    this.service = service;
  }

  void install(@Observes StartupEvent event) {
    try {
      Signal.handle(new Signal("TERM"), this::onTerm);
    } catch (IllegalArgumentException e) {
      // The JVM keeps SIGTERM to itself (-Xrs, or a platform without it): stop without a drain.
      LOG.warnf("cannot handle SIGTERM (%s); the worker stops without draining", e.getMessage());
    }
  }

  /** On the JVM's signal thread, one per signal. */
  private void onTerm(Signal signal) {
    if (!draining.compareAndSet(false, true)) {
      LOG.info("SIGTERM again: still draining");
      return;
    }
    LOG.info("SIGTERM: draining, then exiting");
    try {
      service.drain();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("drain interrupted; shutting down");
    } catch (RuntimeException e) {
      LOG.errorf(e, "drain failed (%s); shutting down", e.getMessage());
    } finally {
      Quarkus.asyncExit(0);
    }
  }
}
