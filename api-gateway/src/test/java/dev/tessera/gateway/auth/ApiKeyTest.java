package dev.tessera.gateway.auth;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.api.Problem;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every /v1 request names its tenant; a tenant sees its own jobs only; health and docs stay open.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class ApiKeyTest {
  @Inject TenantStore tenants;

  private static void assertUnauthorized(io.restassured.response.Response response, String detail) {
    response
        .then()
        .statusCode(401)
        .contentType(Problem.MEDIA_TYPE)
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("type", equalTo(ApiKeyFilter.UNAUTHORIZED))
        .body("detail", containsString(detail));
  }

  @Test
  void aRequestWithoutAKeyIsRefusedWithoutLookingAtTheJob() {
    assertUnauthorized(
        RestAssured.given().get("/v1/jobs/" + UUID.randomUUID()), "Authorization: Bearer <key>");
    assertUnauthorized(
        RestAssured.given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\":\"x\"}")
            .post("/v1/jobs"),
        "Authorization: Bearer <key>");
    assertUnauthorized(
        RestAssured.given().header("Authorization", "Basic dXNlcjpwdw==").get("/v1/jobs/x"),
        "Authorization: Bearer <key>");
  }

  @Test
  void malformedUnknownAndRevokedKeysAreRefusedAlike() throws Exception {
    assertUnauthorized(
        Api.as("not-a-key").get("/v1/jobs/" + UUID.randomUUID()), "unknown or revoked");
    String unknown = "tsk_" + "A".repeat(43);
    assertUnauthorized(Api.as(unknown).get("/v1/jobs/" + UUID.randomUUID()), "unknown or revoked");
    String key = tenants.create("revoked-" + System.nanoTime() % 1_000_000, 1, 10, 10, false).key();
    Api.as(key).get("/v1/jobs/" + UUID.randomUUID()).then().statusCode(404);
    tenants.revokeKey(key.substring(0, 12));
    assertUnauthorized(Api.as(key).get("/v1/jobs/" + UUID.randomUUID()), "unknown or revoked");
  }

  @Test
  void anotherTenantsJobIsNotFound() {
    String id =
        Api.given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\":\"mine\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id");
    Api.given().get("/v1/jobs/" + id).then().statusCode(200);
    Api.as(GatewayServices.otherKey)
        .get("/v1/jobs/" + id)
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", equalTo("no job with id " + id));
  }

  @Test
  void healthAndTheApiDocumentStayOpen() {
    RestAssured.given().get("/q/health/ready").then().statusCode(200);
    RestAssured.given().get("/q/openapi").then().statusCode(200);
  }
}
