package dev.tessera.gateway;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy that ends TLS and says so ({@code X-Forwarded-Proto: https}, trusted as README's
 * Security section says to configure it), every answer carries {@code Strict-Transport-Security}
 * with the configured max-age, errors included; a request that came over plain HTTP gets none.
 */
@QuarkusTest
@TestProfile(SecurityBehindTlsTest.BehindTlsProxy.class)
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class SecurityBehindTlsTest {
  /** The gateway trusts its proxy's X-Forwarded-* headers, with a max-age of two days. */
  public static class BehindTlsProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.proxy.proxy-address-forwarding", "true",
          "quarkus.http.proxy.allow-x-forwarded", "true",
          "tessera.http.hsts-max-age", "2d");
    }
  }

  @Test
  void answersToRequestsThatCameOverTlsCarryHstsErrorsIncluded() {
    Api.given()
        .header("X-Forwarded-Proto", "https")
        .get("/v1/jobs")
        .then()
        .statusCode(200)
        .header("Strict-Transport-Security", equalTo("max-age=172800"));
    RestAssured.given()
        .header("X-Forwarded-Proto", "https")
        .get("/v1/jobs")
        .then()
        .statusCode(401)
        .header("Strict-Transport-Security", equalTo("max-age=172800"));
    Api.given()
        .get("/v1/jobs")
        .then()
        .statusCode(200)
        .header("Strict-Transport-Security", nullValue());
  }
}
