package dev.tessera.gateway.auth;

import dev.tessera.common.tenants.Tenant;
import jakarta.enterprise.context.RequestScoped;

/** The tenant whose API key the current request carries; set by {@link ApiKeyFilter}. */
@RequestScoped
public class CurrentTenant {
  private Tenant tenant;

  void set(Tenant tenant) {
    this.tenant = tenant;
  }

  /**
   * @throws IllegalStateException outside a request that passed {@link ApiKeyFilter}
   */
  public Tenant get() {
    if (tenant == null) {
      throw new IllegalStateException("no tenant: the request did not pass the API key filter");
    }
    return tenant;
  }
}
