package dev.tessera.gateway.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.auth.TenantKeys;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.cache.ChangeCache;
import dev.tessera.gateway.jdbc.OwnConnections;
import dev.tessera.gateway.jobs.JobQuery;
import dev.tessera.gateway.jobs.ResultLinks;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Wires cheap polling and the event streams: one {@link ChangeHub}, fed by one {@link
 * ChangeListener} that runs for the app's lifetime; reads after a change run on Quarkus's worker
 * pool. The same listener ends the kept job answers and API keys.
 */
@ApplicationScoped
public class WatchBeans {

  @Produces
  @Singleton
  ChangeHub changeHub(WatchConfig config) {
    return new ChangeHub(config.maxWatches());
  }

  @Produces
  @Singleton
  ChangeListener jobChangeListener(ChangeHub hub, OwnConnections connections, WatchConfig config) {
    // Longer than any wait for notifications.
    return new ChangeListener(
        () -> connections.open("tessera-gateway-changes", 60), hub, config.maxBackoff());
  }

  void startListener(@Observes StartupEvent event, ChangeListener listener) {
    listener.start();
  }

  void stopListener(@Disposes ChangeListener listener) {
    listener.close();
  }

  @Produces
  @Singleton
  StatusAnswers statusAnswers(
      JobQuery jobs,
      BatchQuery batches,
      ObjectMapper mapper,
      ChangeHub hub,
      ChangeListener listener,
      WatchConfig config) {
    StatusAnswers answers =
        new StatusAnswers(
            jobs,
            batches,
            mapper,
            new ConditionalGet(hub, Infrastructure.getDefaultWorkerPool()),
            new ChangeCache<>(config.cacheTtl(), config.cacheSize(), listener::listening),
            Infrastructure.getDefaultWorkerPool());
    hub.watchAll(answers.forgetter());
    return answers;
  }

  @Produces
  @Singleton
  TenantKeys tenantKeys(TenantStore store, ChangeListener listener, WatchConfig config) {
    TenantKeys keys =
        new TenantKeys(
            store, new ChangeCache<>(config.cacheTtl(), config.cacheSize(), listener::listening));
    listener.onTenantsChanged(keys::forgetAll);
    return keys;
  }

  @Produces
  @Singleton
  EventStreams eventStreams(
      DataSource dataSource,
      BatchQuery batches,
      ResultLinks links,
      ObjectMapper mapper,
      ChangeHub hub,
      ChangeListener listener) {
    return new EventStreams(
        new EventStream.Services(
            hub,
            new JobSnapshots(dataSource),
            batches,
            links,
            mapper,
            Infrastructure.getDefaultWorkerPool(),
            listener::listening));
  }
}
