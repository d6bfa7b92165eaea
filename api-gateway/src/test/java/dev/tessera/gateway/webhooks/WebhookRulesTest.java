package dev.tessera.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A request's webhook fields, checked without a database; hosts are address literals or localhost,
 * so no DNS server is asked.
 */
class WebhookRulesTest {
  private static final String PUBLIC = "https://93.184.216.34/hooks";
  private final WebhookRules publicOnly = new WebhookRules(WebhookTargets.PUBLIC_ONLY);

  private List<FieldProblem> problems(String url, List<String> events) {
    return problems(publicOnly, url, events);
  }

  private static List<FieldProblem> problems(WebhookRules rules, String url, List<String> events) {
    List<FieldProblem> problems = new ArrayList<>();
    Optional<Webhook> webhook = rules.toWebhook(url, events, problems);
    assertTrue(problems.isEmpty() || webhook.isEmpty(), "no webhook from a bad request");
    return problems;
  }

  private static FieldProblem url(String detail) {
    return new FieldProblem("webhook_url", detail);
  }

  @Test
  void aPublicUrlGetsTheCompletedEventByDefault() {
    Webhook webhook = publicOnly.toWebhook(PUBLIC + "?a=1", null, new ArrayList<>()).orElseThrow();
    assertEquals(PUBLIC + "?a=1", webhook.url());
    assertEquals(List.of(WebhookEvent.COMPLETED), webhook.events());
  }

  @Test
  void eventsAreKeptOnceInTheirOrder() {
    Webhook webhook =
        publicOnly
            .toWebhook(
                PUBLIC, List.of("completed", "started", "completed", "progress"), new ArrayList<>())
            .orElseThrow();
    assertEquals(List.of("started", "progress", "completed"), webhook.eventNames());
  }

  @Test
  void noUrlNoWebhook() {
    List<FieldProblem> problems = new ArrayList<>();
    assertTrue(publicOnly.toWebhook(null, null, problems).isEmpty());
    assertEquals(List.of(), problems);
  }

  @Test
  void namesEachBadField() {
    assertEquals(
        List.of(new FieldProblem("webhook_events", "needs a webhook_url to be sent to")),
        problems(null, List.of("completed")));
    assertEquals(
        List.of(url("must be an absolute http or https URL, got 'ftp://93.184.216.34/x'")),
        problems("ftp://93.184.216.34/x", null));
    assertEquals(
        List.of(url("must be an absolute http or https URL, got '/hooks/tessera'")),
        problems("/hooks/tessera", null));
    assertEquals(
        List.of(url("must name a host, got 'https:///hooks'")), problems("https:///hooks", null));
    assertEquals("webhook_url", problems("https://exa mple.com/", null).get(0).field());
    String tooLong = PUBLIC + "/" + "a".repeat(2048 - PUBLIC.length());
    assertEquals(
        List.of(url("must be at most 2048 characters, got 2049")), problems(tooLong, null));
    assertEquals(
        List.of(
            new FieldProblem(
                "webhook_events[1]",
                "unknown event 'done', expected started, progress or completed")),
        problems(PUBLIC, List.of("started", "done")));
    assertEquals(
        List.of(
            new FieldProblem(
                "webhook_events", "must name at least one event; leave it out for completed")),
        problems(PUBLIC, List.of()));
  }

  @Test
  void privateTargetsAreRefusedUnlessAllowed() {
    for (String url :
        List.of(
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "https://10.1.2.3/hook",
            "https://172.20.0.5/hook",
            "https://192.168.0.10/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/",
            "http://[::1]/hook",
            "http://[fd12:3456::1]/hook",
            "http://[fe80::1]/hook")) {
      List<FieldProblem> problems = problems(url, null);
      assertEquals(1, problems.size(), url);
      assertEquals("webhook_url", problems.get(0).field());
      assertTrue(problems.get(0).detail().contains("public addresses only"), problems.toString());
      assertEquals(
          List.of(), problems(new WebhookRules(WebhookTargets.ANY), url, null), url + " allowed");
    }
  }
}
