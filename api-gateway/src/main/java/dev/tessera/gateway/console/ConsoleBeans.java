package dev.tessera.gateway.console;

import dev.tessera.gateway.compat.ImageWork;
import dev.tessera.gateway.compat.ResultImages;
import dev.tessera.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** Wires what the web console's endpoints read. */
@ApplicationScoped
public class ConsoleBeans {
  @Produces
  @Singleton
  Thumbnails thumbnails(DataSource dataSource, ResultImages images, ImageWork imageWork) {
    return new Thumbnails(dataSource, images, imageWork);
  }

  @Produces
  @Singleton
  OperatorBoard operatorBoard(DataSource dataSource, GatewayConfig config) {
    return new OperatorBoard(dataSource, config.workers().lease());
  }
}
