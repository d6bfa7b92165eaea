package dev.tessera.gateway.outbox;

import static dev.tessera.gateway.Api.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.Topics;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TopicReader;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The broker goes down: jobs are still accepted and cancelled, the cancellations' rows wait, and
 * after the restart each is published once.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class RelayOutageTest {
  private static final String UNSENT = "SELECT count(*) FROM outbox WHERE sent_at IS NULL";

  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  @Test
  void rowsWaitOutABrokerOutageAndArePublishedExactlyOnceAfterIt() throws Exception {
    Sql sql = new Sql(dataSource);
    await(() -> sql.count(UNSENT) == 0, Duration.ofSeconds(30), "outbox drained before the outage");

    services.kafka().stop();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        String id =
            given()
                .contentType(ContentType.JSON)
                .body("{\"prompt\": \"during the outage " + i + "\"}")
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getString("id");
        given().post("/v1/jobs/" + id + "/cancel").then().statusCode(202);
        ids.add(id);
      }
      // Readiness is about the database: the gateway keeps taking requests while Kafka is away.
      given().get("/q/health/ready").then().statusCode(200);
      Thread.sleep(4000);
      assertEquals(
          5, sql.count(UNSENT + " AND key = ANY (?)", (Object) ids.toArray(String[]::new)));
    } finally {
      services.kafka().restart();
    }

    await(() -> sql.count(UNSENT) == 0, Duration.ofSeconds(60), "outbox drained after the restart");
    Map<String, Long> published =
        TopicReader.readAll(services.kafka().bootstrapServers(), Topics.CONTROL).stream()
            .filter(r -> ids.contains(r.key()))
            .collect(Collectors.groupingBy(r -> r.key(), Collectors.counting()));
    assertEquals(ids.stream().collect(Collectors.toMap(Function.identity(), id -> 1L)), published);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, Duration within, String what) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(200);
    }
  }
}
