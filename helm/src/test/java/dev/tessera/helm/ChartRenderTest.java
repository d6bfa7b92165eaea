package dev.tessera.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lints and renders {@code helm/tessera} for its default values and every values file under {@code
 * ci/}, parses each manifest into the Kubernetes model and checks what a cluster would otherwise
 * find out later: probes, limits, non-root, selectors, PDBs, GPU requests, KEDA targets, the
 * drain's grace period, and env names the services really read.
 */
class ChartRenderTest {
  static final Path CHART = Path.of("tessera");
  private static final String RELEASE = "prod";
  private static final String PREFIX = "prod-tessera-";
  private static final Map<String, RenderedChart> RENDERED = new HashMap<>();

  /** "values.yaml" (the chart's defaults) and each file of ci/. */
  static Stream<String> valuesFiles() throws IOException {
    try (Stream<Path> ci = Files.list(CHART.resolve("ci"))) {
      List<String> files =
          ci.map(p -> "ci/" + p.getFileName()).filter(f -> f.endsWith(".yaml")).sorted().toList();
      return Stream.concat(Stream.of("values.yaml"), files.stream()).toList().stream();
    }
  }

  @Test
  void ciHoldsTheDevGpuAndExternalServicesValues() throws IOException {
    assertEquals(
        List.of(
            "values.yaml",
            "ci/cpu-dev-values.yaml",
            "ci/external-services-values.yaml",
            "ci/gpu-keda-values.yaml"),
        valuesFiles().toList());
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void lintsCleanlyInStrictMode(String file, @TempDir Path work) throws IOException {
    LintResult result = ChartLint.lint(CHART, values(file), work);
    assertFalse(result.isFailed(), ChartLint.describe(result));
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void rendersTheComponentsTheValuesAskFor(String file) throws IOException {
    ObjectNode values = values(file);
    RenderedChart chart = render(file);
    JsonNode pools = values.path("workers").path("pools");
    Set<String> deployments = names(chart.all(Deployment.class));
    Set<String> expected = new HashSet<>(Set.of(PREFIX + "gateway", PREFIX + "scheduler"));
    pools.forEach(p -> expected.add(PREFIX + "worker-" + p.path("name").asText()));
    assertEquals(expected, deployments);
    assertEquals(
        values.path("gateway").path("ingress").path("enabled").asBoolean(),
        !chart.all(Ingress.class).isEmpty());
    assertEquals(
        values.path("serviceMonitor").path("enabled").asBoolean(),
        chart.custom("ServiceMonitor").size() == 1);
    assertEquals(
        values.path("grafanaDashboard").path("enabled").asBoolean(),
        chart.all(ConfigMap.class).size() == 1);
    long keda = 0;
    for (JsonNode pool : pools) {
      keda += kedaEnabled(pool) ? 1 : 0;
    }
    assertEquals(keda, chart.custom("ScaledObject").size());
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyPodHasStartupReadinessAndLivenessProbesOnQuarkusHealth(String file) throws IOException {
    for (Deployment d : render(file).all(Deployment.class)) {
      for (Container c : pod(d).getContainers()) {
        String where = d.getMetadata().getName() + "/" + c.getName();
        Set<String> ports =
            c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
        checkProbe(where + " startup", c.getStartupProbe(), "/q/health/started", ports);
        checkProbe(where + " readiness", c.getReadinessProbe(), "/q/health/ready", ports);
        checkProbe(where + " liveness", c.getLivenessProbe(), "/q/health/live", ports);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyContainerHasCpuAndMemoryLimits(String file) throws IOException {
    for (Deployment d : render(file).all(Deployment.class)) {
      for (Container c : allContainers(d)) {
        Map<String, Quantity> limits = c.getResources().getLimits();
        String where = d.getMetadata().getName() + "/" + c.getName();
        assertNotNull(limits, where + " has no limits");
        assertTrue(limits.containsKey("cpu"), where + " has no cpu limit");
        assertTrue(limits.containsKey("memory"), where + " has no memory limit");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void podsRunAsNonRootOnAReadOnlyRootWithAWritableTmp(String file) throws IOException {
    for (Deployment d : render(file).all(Deployment.class)) {
      PodSpec pod = pod(d);
      String name = d.getMetadata().getName();
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name);
      assertTrue(pod.getSecurityContext().getRunAsUser() > 0, name + " runs as root");
      Set<String> emptyDirs =
          pod.getVolumes().stream()
              .filter(v -> v.getEmptyDir() != null)
              .map(Volume::getName)
              .collect(Collectors.toSet());
      for (Container c : allContainers(d)) {
        String where = name + "/" + c.getName();
        var security = c.getSecurityContext();
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), where);
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), where);
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), where);
        assertTrue(
            c.getVolumeMounts().stream()
                .anyMatch(m -> m.getMountPath().equals("/tmp") && emptyDirs.contains(m.getName())),
            where + " has no emptyDir at /tmp");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void selectorsMatchTheirPodsAndLeaveOutVersionLabels(String file) throws IOException {
    RenderedChart chart = render(file);
    for (Deployment d : chart.all(Deployment.class)) {
      Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
      assertTrue(RenderedChart.selects(selector, d.getSpec().getTemplate()), d + " selector");
      assertFalse(selector.containsKey("app.kubernetes.io/version"), "selectors are immutable");
      assertFalse(selector.containsKey("helm.sh/chart"), "selectors are immutable");
      assertEquals(List.of(d), chart.podsSelectedBy(selector), "selectors overlap");
    }
    for (Service s : chart.all(Service.class)) {
      List<Deployment> selected = chart.podsSelectedBy(s.getSpec().getSelector());
      assertEquals(1, selected.size(), "service " + s.getMetadata().getName() + " selects");
      Set<String> podPorts =
          pod(selected.get(0)).getContainers().stream()
              .flatMap(c -> c.getPorts().stream())
              .map(ContainerPort::getName)
              .collect(Collectors.toSet());
      for (ServicePort port : s.getSpec().getPorts()) {
        assertTrue(podPorts.contains(port.getTargetPort().getStrVal()), s + " targets " + port);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void podDisruptionBudgetsSelectPodsThatExist(String file) throws IOException {
    ObjectNode values = values(file);
    RenderedChart chart = render(file);
    Set<String> covered = new HashSet<>();
    for (PodDisruptionBudget pdb : chart.all(PodDisruptionBudget.class)) {
      List<Deployment> selected =
          chart.podsSelectedBy(pdb.getSpec().getSelector().getMatchLabels());
      assertEquals(1, selected.size(), "PDB " + pdb.getMetadata().getName() + " selects");
      covered.add(selected.get(0).getMetadata().getName());
    }
    Set<String> expected = new HashSet<>();
    if (values.path("gateway").path("podDisruptionBudget").path("enabled").asBoolean()) {
      expected.add(PREFIX + "gateway");
    }
    for (JsonNode pool : values.path("workers").path("pools")) {
      if (pool.path("podDisruptionBudget").path("enabled").asBoolean(true)) {
        expected.add(PREFIX + "worker-" + pool.path("name").asText());
      }
    }
    assertFalse(expected.isEmpty(), "the values files keep PDBs on");
    assertEquals(expected, covered);
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void workerPoolsFollowTheirValues(String file) throws IOException {
    ObjectNode values = values(file);
    RenderedChart chart = render(file);
    int defaultDrain = values.path("workers").path("drainTimeoutSeconds").asInt();
    for (JsonNode pool : values.path("workers").path("pools")) {
      String name = PREFIX + "worker-" + pool.path("name").asText();
      Deployment d = chart.deployment(name).orElseThrow();
      PodSpec spec = pod(d);
      Container worker = spec.getContainers().get(0);
      Map<String, String> env = env(worker);
      int gpu = pool.path("gpu").asInt(0);
      Quantity gpuLimit = worker.getResources().getLimits().get("nvidia.com/gpu");
      if (gpu > 0) {
        assertEquals(new Quantity(Integer.toString(gpu)), gpuLimit, name + " GPU limit");
        assertTrue(worker.getImage().endsWith("-cuda"), name + " runs " + worker.getImage());
      } else {
        assertNull(gpuLimit, name + " is a CPU pool");
        assertFalse(worker.getImage().endsWith("-cuda"), name + " runs " + worker.getImage());
      }
      JsonNode files = pool.path("files");
      assertEquals(
          pool.path("model").asText() + "=/models/" + files.path("bundle").asText(),
          env.get("TESSERA_MODEL_DIRS"));
      assertEquals(
          pool.path("model").asText(), d.getMetadata().getLabels().get("tessera.dev/model"));

      assertEquals(
          Integer.toString(batchJobs(values, pool)),
          env.get("TESSERA_BATCH_JOBS"),
          name + " batch");

      int drain = pool.path("drainTimeoutSeconds").asInt(defaultDrain);
      assertEquals(drain + "s", env.get("TESSERA_DRAIN_TIMEOUT"), name);
      assertEquals(
          drainSeconds(env.get("TESSERA_DRAIN_TIMEOUT")) + 30,
          spec.getTerminationGracePeriodSeconds(),
          name + ": terminationGracePeriodSeconds = drain + 30");

      var rolling = d.getSpec().getStrategy().getRollingUpdate();
      assertEquals(
          pool.path("rollingUpdate").path("maxSurge").asInt(1),
          rolling.getMaxSurge().getIntVal(),
          name + " maxSurge");
      assertEquals(
          pool.path("rollingUpdate").path("maxUnavailable").asInt(0),
          rolling.getMaxUnavailable().getIntVal(),
          name + " maxUnavailable");

      if (kedaEnabled(pool)) {
        assertNull(d.getSpec().getReplicas(), name + ": KEDA owns the replica count");
      } else {
        assertEquals(pool.path("replicas").asInt(1), d.getSpec().getReplicas(), name);
      }

      Volume models =
          spec.getVolumes().stream().filter(v -> v.getName().equals("models")).findFirst().get();
      VolumeMount mount =
          worker.getVolumeMounts().stream()
              .filter(m -> m.getName().equals("models"))
              .findFirst()
              .orElseThrow();
      assertEquals("/models", mount.getMountPath());
      assertEquals(Boolean.TRUE, mount.getReadOnly(), name + " mounts its files read-only");
      String claim = files.path("claimName").asText("");
      if (claim.isEmpty()) {
        assertNotNull(models.getEmptyDir(), name + " copies its files into an emptyDir");
        int copies =
            1
                + (files.path("x4Upscaler").asText("").isEmpty() ? 0 : 1)
                + (files.path("srUpscaler").asText("").isEmpty() ? 0 : 1);
        assertEquals(copies, spec.getInitContainers().size(), name + " init containers");
        String bundleSource =
            "s3://"
                + values.path("s3").path("bucket").asText()
                + "/"
                + files.path("s3Prefix").asText("")
                + files.path("bundle").asText();
        assertTrue(spec.getInitContainers().get(0).getArgs().contains(bundleSource), name);
      } else {
        assertEquals(claim, models.getPersistentVolumeClaim().getClaimName(), name);
        assertTrue(spec.getInitContainers().isEmpty(), name + " needs no copy");
      }
      assertEquals(
          pool.path("nodeSelector").size(),
          spec.getNodeSelector() == null ? 0 : spec.getNodeSelector().size(),
          name + " nodeSelector");
      assertEquals(
          pool.path("tolerations").size(),
          spec.getTolerations() == null ? 0 : spec.getTolerations().size(),
          name + " tolerations");
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void eachScaledObjectScalesItsPoolOnTheModelsBacklog(String file) throws IOException {
    ObjectNode values = values(file);
    RenderedChart chart = render(file);
    for (JsonNode scaled : chart.custom("ScaledObject")) {
      String name = scaled.path("metadata").path("name").asText();
      JsonNode spec = scaled.path("spec");
      JsonNode target = spec.path("scaleTargetRef");
      assertEquals("Deployment", target.path("kind").asText(), name);
      Deployment d = chart.deployment(target.path("name").asText()).orElseThrow();
      assertEquals(name, d.getMetadata().getName(), "each pool's ScaledObject targets its pool");
      String model = d.getMetadata().getLabels().get("tessera.dev/model");
      assertEquals(
          "worker", d.getSpec().getTemplate().getMetadata().getLabels().get(COMPONENT), name);

      int min = spec.path("minReplicaCount").asInt(-1);
      int max = spec.path("maxReplicaCount").asInt(-1);
      assertTrue(0 <= min && min <= max && max >= 1, name + " replicas " + min + ".." + max);
      assertTrue(spec.path("cooldownPeriod").asInt() >= 300, name + ": cooldown under a render");

      JsonNode trigger = spec.path("triggers").get(0);
      assertEquals("prometheus", trigger.path("type").asText());
      String query = trigger.path("metadata").path("query").asText();
      assertTrue(
          query.contains("tessera_jobs_backlog{model=\"" + model + "\"}"), name + ": " + query);
      assertTrue(query.contains("max by (state)"), "every scheduler exports the gauge: " + query);
      JsonNode pool = pool(values, d.getMetadata().getLabels().get("tessera.dev/pool"));
      if (!pool.path("keda").has("query")) {
        // a worker takes up to its batch of the waiting jobs at once
        int batch = batchJobs(values, pool);
        assertEquals(
            batch > 1,
            query.contains("or vector(0)) / " + batch + " +"),
            name + " batches " + batch + ": " + query);
      }
      assertTrue(Double.parseDouble(trigger.path("metadata").path("threshold").asText()) > 0, name);
      if (min == 0) {
        assertTrue(
            trigger.path("metadata").has("activationThreshold"),
            name + " scales from zero: it needs an activation threshold");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void serviceMonitorScrapesEveryServiceAndTheIngressReachesTheGateway(String file)
      throws IOException {
    RenderedChart chart = render(file);
    for (JsonNode monitor : chart.custom("ServiceMonitor")) {
      Map<?, ?> selector =
          RenderedChart.YAML.convertValue(
              monitor.path("spec").path("selector").path("matchLabels"), Map.class);
      assertFalse(selector.isEmpty());
      JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
      assertEquals("/q/metrics", endpoint.path("path").asText());
      for (Service s : chart.all(Service.class)) {
        assertTrue(
            s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()),
            "the ServiceMonitor misses " + s.getMetadata().getName());
        assertTrue(
            s.getSpec().getPorts().stream()
                .anyMatch(p -> p.getName().equals(endpoint.path("port").asText())),
            s.getMetadata().getName() + " has no port " + endpoint.path("port"));
      }
    }
    Set<String> services = names(chart.all(Service.class));
    for (Ingress ingress : chart.all(Ingress.class)) {
      for (IngressRule rule : ingress.getSpec().getRules()) {
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
          assertEquals(PREFIX + "gateway", path.getBackend().getService().getName());
          assertTrue(services.contains(path.getBackend().getService().getName()));
        }
      }
    }
  }

  /** The metric names of the farm's contract (issue 11); the dashboard may use no other. */
  private static final Set<String> METRICS =
      Set.of(
          "tessera_jobs_submitted_total",
          "tessera_outbox_pending",
          "tessera_outbox_lag_seconds",
          "tessera_jobs_started_total",
          "tessera_jobs_succeeded_total",
          "tessera_jobs_failed_total",
          "tessera_jobs_cancelled_total",
          "tessera_stage_seconds",
          "tessera_jobs_backlog",
          "tessera_workers",
          "tessera_worker_busy",
          "tessera_worker_renders_total");

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void dashboardChartsEveryFarmMetricAndNoOther(String file) throws IOException {
    for (ConfigMap map : render(file).all(ConfigMap.class)) {
      assertEquals("1", map.getMetadata().getLabels().get("grafana_dashboard"));
      JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("tessera.json"));
      Set<String> used = new HashSet<>();
      Pattern metric = Pattern.compile("tessera_[a-z_]+");
      for (JsonNode panel : dashboard.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          Matcher m = metric.matcher(target.path("expr").asText());
          while (m.find()) {
            used.add(m.group().replaceFirst("_(bucket|count|sum)$", ""));
          }
        }
      }
      assertEquals(METRICS, used);
    }
  }

  /** The env names each service reads in its application.properties ({@code ${NAME...}}). */
  private static final Map<String, Path> PROPERTIES =
      Map.of(
          "gateway", Path.of("../api-gateway/src/main/resources/application.properties"),
          "scheduler", Path.of("../scheduler/src/main/resources/application.properties"),
          "worker", Path.of("../render-worker/service/src/main/resources/application.properties"));

  /**
   * Read by every service without a line of its own: Quarkus maps QUARKUS_HTTP_PORT to
   * quarkus.http.port.
   */
  private static final Set<String> ALSO_READ = Set.of("QUARKUS_HTTP_PORT");

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyEnvNameTheChartSetsIsOneItsServiceReads(String file) throws IOException {
    ObjectNode values = values(file);
    Set<String> extra = new HashSet<>();
    values.path("gateway").path("env").forEach(e -> extra.add(e.path("name").asText()));
    values.path("scheduler").path("env").forEach(e -> extra.add(e.path("name").asText()));
    values
        .path("workers")
        .path("pools")
        .forEach(p -> p.path("env").forEach(e -> extra.add(e.path("name").asText())));
    Pattern reference = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    for (Deployment d : render(file).all(Deployment.class)) {
      String component = d.getSpec().getTemplate().getMetadata().getLabels().get(COMPONENT);
      Set<String> read = new HashSet<>(ALSO_READ);
      Matcher m = reference.matcher(Files.readString(PROPERTIES.get(component)));
      while (m.find()) {
        read.add(m.group(1));
      }
      for (EnvVar var : pod(d).getContainers().get(0).getEnv()) {
        if (!extra.contains(var.getName())) {
          assertTrue(
              read.contains(var.getName()),
              d.getMetadata().getName() + " sets " + var.getName() + ", which it never reads");
        }
      }
    }
  }

  private static final String COMPONENT = "app.kubernetes.io/component";

  static ObjectNode values(String file) throws IOException {
    return ChartValues.effective(CHART, file.equals("values.yaml") ? null : CHART.resolve(file));
  }

  static synchronized RenderedChart render(String file) {
    return RENDERED.computeIfAbsent(
        file,
        f ->
            RenderedChart.parse(
                new ChartRenderer(CHART)
                    .template(
                        RELEASE,
                        "render",
                        ChartRenderer.KUBE_VERSION,
                        f.equals("values.yaml") ? List.of() : List.of(CHART.resolve(f)))));
  }

  private static boolean kedaEnabled(JsonNode pool) {
    return pool.path("keda").path("enabled").asBoolean(false);
  }

  private static void checkProbe(String where, Probe probe, String path, Set<String> ports) {
    assertNotNull(probe, where + " probe missing");
    HTTPGetAction get = probe.getHttpGet();
    assertNotNull(get, where + " is not an HTTP probe");
    assertEquals(path, get.getPath(), where);
    assertTrue(ports.contains(get.getPort().getStrVal()), where + " probes an unknown port");
  }

  private static PodSpec pod(Deployment d) {
    return d.getSpec().getTemplate().getSpec();
  }

  private static List<Container> allContainers(Deployment d) {
    List<Container> all = new ArrayList<>(pod(d).getContainers());
    all.addAll(pod(d).getInitContainers());
    return all;
  }

  private static JsonNode pool(ObjectNode values, String name) {
    for (JsonNode pool : values.path("workers").path("pools")) {
      if (pool.path("name").asText().equals(name)) {
        return pool;
      }
    }
    throw new AssertionError("no pool " + name + " in the values");
  }

  /** A pool's TESSERA_BATCH_JOBS: its own, else the GPU pools' default, else 1 on the CPU. */
  private static int batchJobs(ObjectNode values, JsonNode pool) {
    if (pool.has("batchJobs")) {
      return pool.path("batchJobs").asInt();
    }
    return pool.path("gpu").asInt(0) > 0 ? values.path("workers").path("gpuBatchJobs").asInt() : 1;
  }

  /** The scheduler keeps enough jobs dispatched per worker for the largest batch a pool takes. */
  @ParameterizedTest
  @MethodSource("valuesFiles")
  void theSchedulerDispatchesEnoughForTheLargestBatch(String file) throws IOException {
    ObjectNode values = values(file);
    int largest = 2;
    for (JsonNode pool : values.path("workers").path("pools")) {
      largest = Math.max(largest, batchJobs(values, pool));
    }
    Deployment scheduler = render(file).deployment(PREFIX + "scheduler").orElseThrow();
    assertEquals(
        Integer.toString(largest),
        env(pod(scheduler).getContainers().get(0)).get("TESSERA_DISPATCH_PER_WORKER"),
        file);
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : c.getEnv()) {
      env.put(var.getName(), var.getValue());
    }
    return env;
  }

  private static long drainSeconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)s").matcher(duration);
    assertTrue(m.matches(), "TESSERA_DRAIN_TIMEOUT " + duration);
    return Long.parseLong(m.group(1));
  }

  private static Set<String> names(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> r) {
    return r.stream().map(x -> x.getMetadata().getName()).collect(Collectors.toSet());
  }
}
