package dev.tessera.gateway.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.BatchBodies;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /v1/jobs}: a tenant's jobs newest first, by keyset pages. Each test lists a tenant of
 * its own, so that other tests' jobs do not interfere.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class JobListingTest {
  @Inject DataSource dataSource;

  @Inject TenantStore tenants;

  private Sql sql;
  private String key;
  private UUID tenant;

  @BeforeEach
  void newTenant() throws Exception {
    sql = new Sql(dataSource);
    TenantStore.Created created =
        tenants.create("listing-" + System.nanoTime() % 1_000_000_000, 1, 10_000, 1_000, false);
    key = created.key();
    tenant = created.tenant().id();
  }

  private UUID submitJob() {
    return UUID.fromString(
        Api.as(key)
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"a quiet harbour\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private UUID submitBatch(int jobs) {
    return UUID.fromString(
        Api.as(key)
            .contentType(ContentType.JSON)
            .body(BatchBodies.json(jobs))
            .post("/v1/batches")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  /** The tenant's job ids in the listing's order, straight from the database. */
  private List<UUID> newestFirst(String where, Object... params) throws Exception {
    List<Object> all = new ArrayList<>(List.of(tenant));
    all.addAll(List.of(params));
    return sql
        .rows(
            "SELECT id FROM jobs WHERE tenant_id = ?"
                + where
                + " ORDER BY created_at DESC, id DESC",
            all.toArray())
        .stream()
        .map(row -> (UUID) row.get("id"))
        .toList();
  }

  private JsonPath page(String query) {
    return Api.as(key)
        .get(query.isEmpty() ? "/v1/jobs" : "/v1/jobs?" + query)
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .extract()
        .jsonPath();
  }

  /** Every id of every page from {@code cursor} on ({@code null}: the first page). */
  private List<UUID> pagesFrom(String query, String cursor) {
    List<UUID> ids = new ArrayList<>();
    do {
      JsonPath page = page(query + (cursor == null ? "" : "&cursor=" + cursor));
      page.getList("data.id", String.class).forEach(id -> ids.add(UUID.fromString(id)));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return ids;
  }

  @Test
  void pagesListEveryJobOnceNewestFirst() throws Exception {
    for (int i = 0; i < 12; i++) {
      submitJob();
    }
    submitBatch(25);
    submitJob();

    List<UUID> listed = pagesFrom("limit=7", null);
    assertEquals(38, listed.size());
    assertEquals(38, new HashSet<>(listed).size(), "no job twice");
    assertEquals(newestFirst(""), listed);
    JsonPath first = page("limit=7");
    assertEquals(7, first.getList("data").size());
    assertEquals("QUEUED", first.getString("data[0].state"));
    assertEquals("a quiet harbour", first.getString("data[0].request.prompt"));
    assertNotNull(first.getString("next_cursor"));
  }

  @Test
  void jobsSubmittedMeanwhileDoNotShiftThePagesStillToCome() throws Exception {
    for (int i = 0; i < 15; i++) {
      submitJob();
    }
    List<UUID> before = newestFirst("");
    JsonPath first = page("limit=5");
    List<UUID> seen = new ArrayList<>();
    first.getList("data.id", String.class).forEach(id -> seen.add(UUID.fromString(id)));

    List<UUID> added = List.of(submitJob(), submitJob(), submitBatch(3));
    seen.addAll(pagesFrom("limit=5", first.getString("next_cursor")));

    assertEquals(before, seen, "the pages after the first hold exactly the jobs there were");
    assertTrue(newestFirst("").containsAll(List.of(added.get(0), added.get(1))));
  }

  @Test
  void aBatchFilterListsThatBatchsJobsWithTheirCustomIds() throws Exception {
    submitJob();
    UUID batch = submitBatch(30);
    submitBatch(4);

    List<UUID> listed = pagesFrom("batch=" + batch + "&limit=12", null);
    assertEquals(newestFirst(" AND batch_id = ?", batch), listed);
    assertEquals(30, listed.size());
    JsonPath page = page("batch=" + batch + "&limit=1");
    assertEquals(batch.toString(), page.getString("data[0].batch_id"));
    assertTrue(page.getString("data[0].custom_id").startsWith("job-"));

    Api.as(GatewayServices.otherKey)
        .get("/v1/jobs?batch=" + batch)
        .then()
        .statusCode(200)
        .body("data", hasSize(0))
        .body("next_cursor", nullValue());
  }

  @Test
  void aStateFilterListsTheJobsInThatState() throws Exception {
    UUID batch = submitBatch(6);
    List<UUID> jobs = newestFirst(" AND batch_id = ?", batch);
    for (UUID job : jobs.subList(0, 4)) {
      sql.update(
          "UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), version = version + 1"
              + " WHERE id = ?",
          job);
    }
    submitJob();

    assertEquals(jobs.subList(0, 4), pagesFrom("state=SUCCEEDED&limit=3", null));
    assertEquals(jobs.subList(0, 4), pagesFrom("state=succeeded&batch=" + batch, null));
    assertEquals(2, pagesFrom("state=QUEUED&batch=" + batch, null).size());
    JsonPath page = page("state=SUCCEEDED&limit=1");
    assertTrue(page.getString("data[0].result_url").contains("X-Amz-Signature="));
  }

  @Test
  void theLastPageHasNoCursorAndAnEmptyListingIsAPage() {
    JsonPath empty = page("");
    assertEquals(List.of(), empty.getList("data"));
    assertNull(empty.get("next_cursor"));
    submitJob();
    submitJob();
    JsonPath exact = page("limit=2");
    assertEquals(2, exact.getList("data").size());
    assertNull(exact.get("next_cursor"), "no page follows a page that took the last job");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      limit=0                      | limit
      limit=1001                   | limit
      limit=ten                    | limit
      limit=                       | limit
      state=DONE                   | state
      batch=42                     | batch
      batch=1-2-3-4-5              | batch
      cursor=not-a-cursor          | cursor
      cursor=AQID                  | cursor
      limt=10                      | limt
      limit=5&limit=6              | limit
      """)
  void aBadParameterIs400NamingIt(String query, String parameter) {
    Api.as(key)
        .get("/v1/jobs?" + query)
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.INVALID_PARAMETERS))
        .body("title", equalTo("Invalid query parameters"))
        .body("errors[0].field", equalTo(parameter));
  }

  @Test
  void everyBadParameterIsNamed() {
    List<String> fields =
        Api.as(key)
            .get("/v1/jobs?limit=0&state=DONE&cursor=x&extra=1")
            .then()
            .statusCode(400)
            .extract()
            .jsonPath()
            .getList("errors.field");
    assertEquals(List.of("extra", "state", "limit", "cursor"), fields);
  }
}
