package dev.tessera.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.gateway.GatewayServices;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What operators and client authors read: readiness and the OpenAPI document. */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class ServiceDocumentsTest {
  @Test
  void readinessReportsTheDatabaseUp() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("Database connections health check"))
        .body(
            "checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));
  }

  @Test
  void openApiDescribesTheJobsEndpointsInTheirWireNames() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.'/v1/jobs'.post.responses", hasKey("202"))
        .body("paths.'/v1/jobs'.post.responses", hasKey("422"))
        .body("paths.'/v1/jobs'.post.responses.'202'.headers", hasKey("Location"))
        .body("paths.'/v1/jobs/{id}'.get.responses", hasKey("404"))
        .body("paths.'/v1/jobs/{id}'.get.responses.'404'.content", hasKey(Problem.MEDIA_TYPE))
        .body("components.schemas.JobRequest.properties", hasKey("negative_prompt"))
        .body("components.schemas.JobRequest.required", hasItem("prompt"))
        .body("components.schemas.Job.properties", hasKey("result_url"))
        .body("components.schemas.Problem.properties", hasKey("errors"))
        .body("info.title", notNullValue());
  }

  @Test
  void openApiDescribesBatchesAndTheJobListing() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.'/v1/batches'.post.requestBody.content", hasKey("application/json"))
        .body("paths.'/v1/batches'.post.requestBody.content", hasKey("application/x-ndjson"))
        .body("paths.'/v1/batches'.post.responses", hasKey("202"))
        .body("paths.'/v1/batches'.post.responses", hasKey("422"))
        .body("paths.'/v1/batches/{id}'.get.responses", hasKey("404"))
        .body(
            "paths.'/v1/batches/{id}/results'.get.responses.'200'.content",
            hasKey("application/x-ndjson"))
        .body("paths.'/v1/jobs'.get.parameters.name", hasItem("cursor"))
        .body("components.schemas.Batch.properties", hasKey("request_counts"))
        .body("components.schemas.BatchState.enum", hasItem("in_progress"))
        .body("components.schemas.JobPage.properties", hasKey("next_cursor"))
        .body("components.schemas.Job.properties", hasKey("custom_id"));
  }

  @Test
  void openApiDescribesPrioritiesTheDispatchedStateAndTheWorkers() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.schemas.JobRequest.properties.priority.maximum", equalTo(100))
        .body("components.schemas.Job.properties", hasKey("priority"))
        .body("components.schemas.JobState.enum", hasItem("DISPATCHED"))
        .body("components.schemas.RequestCounts.properties", hasKey("dispatched"))
        .body(
            "paths.'/v1/jobs'.get.parameters.find { it.name == 'state' }.schema.enum",
            hasItem("DISPATCHED"))
        .body("paths.'/v1/workers'.get.responses", hasKey("200"))
        .body("paths.'/v1/workers'.get.responses", hasKey("403"))
        .body("components.schemas.Worker.properties", hasKey("current_job"))
        .body("components.schemas.WorkerState.enum", hasItem("LOST"));
  }
}
