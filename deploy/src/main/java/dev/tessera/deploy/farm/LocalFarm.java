package dev.tessera.deploy.farm;

import dev.tessera.common.FileTrees;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ServiceStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The whole farm on this machine, without Docker: PostgreSQL, a Kafka broker and an S3 server (the
 * {@link ServiceStack}), then the scheduler, the API gateway and render workers as child JVMs, each
 * waited on until ready. Used by {@code ./farm demo}, {@code ./farm up} and the end-to-end tests
 * alike.
 *
 * <p>Lifetime: from {@link #start} until {@link #close()} (safe twice), which stops the workers,
 * the gateway, the scheduler and then the stack. Its data lives under {@code .farm/run/}, cleared
 * at every start.
 */
public final class LocalFarm implements AutoCloseable {
  /** The share group of the farm's workers. */
  public static final String WORKER_GROUP = "tessera-render";

  /**
   * The tenant every farm starts with, whose key {@code ./farm demo} and {@code ./farm load} use;
   * an operator, since whoever runs the local farm operates it.
   */
  public static final String DEMO_TENANT = "demo";

  /**
   * Requests a second the demo tenant may make: enough for the load harness's bursts and polling.
   */
  static final double DEMO_RATE = 200;

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * What to run.
   *
   * @param workers render workers to start
   * @param modelName the name jobs use for the model
   * @param model the SD bundle, or null for the generated untrained miniature
   * @param x4 the x4 upscaler bundle, or null for the generated untrained miniature
   * @param sr an ONNX super-resolution model, or null for the generated untrained miniature
   * @param schedulerEnv settings of the schedulers beyond the stack's (e.g. {@code
   *     TESSERA_LEASE_TIMEOUT}); empty for their defaults
   */
  public record Options(
      int workers,
      String modelName,
      Path model,
      Path x4,
      Path sr,
      Map<String, String> schedulerEnv) {
    public Options {
      schedulerEnv = Map.copyOf(schedulerEnv);
    }

    public static Options defaults(int workers) {
      return new Options(workers, "miniature-sd2-v", null, null, null, Map.of());
    }

    /** These options, the schedulers run with {@code env} added. */
    public Options withSchedulerEnv(Map<String, String> env) {
      return new Options(workers, modelName, model, x4, sr, env);
    }
  }

  private final FarmHome home;
  private final ServiceStack stack;
  private final Map<String, String> workerEnv;
  private final Map<String, String> schedulerEnv;
  private final List<AppProcess> services = new ArrayList<>();
  private final List<AppProcess> schedulers = new ArrayList<>();
  private final WorkerSupervisor workers;

  /** Settings of single workers beyond {@link #workerEnv}, by worker name. */
  private final Map<String, Map<String, String>> ownWorkerEnv = new ConcurrentHashMap<>();

  /** Workers told to stop by {@link #retireWorker}, no longer supervised. */
  private final List<AppProcess> retired = new CopyOnWriteArrayList<>();

  private AppProcess gateway;
  private Map<String, String> gatewayEnv;
  private String apiKey;
  private int workerCount;
  private boolean closed;

  private LocalFarm(
      FarmHome home,
      ServiceStack stack,
      Map<String, String> workerEnv,
      Map<String, String> schedulerEnv) {
    this.home = home;
    this.stack = stack;
    this.workerEnv = workerEnv;
    this.schedulerEnv = schedulerEnv;
    this.workers = new WorkerSupervisor(this::launchWorker);
  }

  /**
   * The sr model named by {@code TESSERA_UPSCALER_SR} in the launcher's environment (e.g. a
   * converted ESRGAN model), else the generated untrained miniature.
   *
   * @throws IOException when the variable names no file or directory
   */
  private static Path srFromEnvironment(FarmHome home) throws IOException {
    String given = System.getenv("TESSERA_UPSCALER_SR");
    if (given == null || given.isBlank()) {
      return MiniatureModels.ensure(home, "sr");
    }
    Path sr = Path.of(given);
    if (!Files.exists(sr)) {
      throw new IOException("TESSERA_UPSCALER_SR: no sr model at " + sr);
    }
    return sr;
  }

  /** Starts everything and returns once every service reports ready. */
  public static LocalFarm start(FarmHome home, Options options) throws IOException {
    Path model = options.model() != null ? options.model() : MiniatureModels.ensure(home, "sd2-v");
    Path x4 = options.x4() != null ? options.x4() : MiniatureModels.ensure(home, "x4-upscaler");
    Path sr = options.sr() != null ? options.sr() : srFromEnvironment(home);
    FileTrees.delete(home.run());
    ServiceStack stack = ServiceStack.start(home.run().resolve("stack"));
    Map<String, String> workerEnv = new LinkedHashMap<>(stack.environment());
    // Workers hold no database credentials: they talk to Kafka and S3 only.
    workerEnv.keySet().removeIf(name -> name.startsWith("JDBC_"));
    workerEnv.put("TESSERA_MODEL_DIRS", options.modelName() + "=" + model.toAbsolutePath());
    workerEnv.put("TESSERA_UPSCALER_X4", x4.toAbsolutePath().toString());
    workerEnv.put("TESSERA_UPSCALER_SR", sr.toAbsolutePath().toString());
    workerEnv.put("TESSERA_SHARE_GROUP", WORKER_GROUP);
    // Workers share this machine's cores rather than each claiming all of them.
    int cores = Runtime.getRuntime().availableProcessors();
    workerEnv.put(
        "TESSERA_THREADS", Integer.toString(Math.max(1, cores / Math.max(1, options.workers()))));
    // The local farm stops whole, its queue with it: a worker told to stop hands its job back at
    // once rather than drain, unless the launcher's environment sets a drain time.
    if (System.getenv("TESSERA_DRAIN_TIMEOUT") == null) {
      workerEnv.put("TESSERA_DRAIN_TIMEOUT", "0s");
    }
    Map<String, String> schedulerEnv = new LinkedHashMap<>(stack.environment());
    schedulerEnv.putAll(options.schedulerEnv());
    LocalFarm farm = new LocalFarm(home, stack, workerEnv, schedulerEnv);
    try {
      String bootstrap = stack.kafka().bootstrapServers();
      KafkaAdmin.createTopics(bootstrap, List.of(Topics.EVENTS), 4);
      KafkaAdmin.createSharedTopics(bootstrap);
      KafkaAdmin.createTopics(
          bootstrap, List.of(Topics.jobs(options.modelName())), Topics.JOB_PARTITIONS);
      KafkaAdmin.readShareGroupFromEarliest(bootstrap, WORKER_GROUP);
      Map<String, String> env = stack.environment();
      AppProcess scheduler = farm.launchScheduler();
      farm.gatewayEnv = new LinkedHashMap<>(env);
      farm.gatewayEnv.put("TESSERA_MODELS", options.modelName());
      farm.gateway = farm.launch("api-gateway", "api-gateway", farm.gatewayEnv);
      for (int i = 0; i < options.workers(); i++) {
        farm.startWorkerProcess();
      }
      scheduler.awaitReady(READY_TIMEOUT);
      farm.gateway.awaitReady(READY_TIMEOUT);
      // The gateway has migrated the schema by the time it is ready.
      farm.apiKey =
          farm.tenants()
              .create(
                  DEMO_TENANT, Tenant.DEFAULT_WEIGHT, Tenant.DEFAULT_MAX_QUEUED, DEMO_RATE, true)
              .key();
      for (AppProcess worker : farm.workers.workers()) {
        worker.awaitReady(READY_TIMEOUT);
      }
      return farm;
    } catch (IOException | RuntimeException e) {
      farm.close();
      throw e;
    } catch (SQLException e) {
      farm.close();
      throw new IOException("cannot create tenant " + DEMO_TENANT + ": " + e.getMessage(), e);
    }
  }

  /** The farm's tenants and keys, in its database. */
  public TenantStore tenants() {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(stack.jdbcUrl());
    db.setUser(stack.jdbcUser());
    db.setPassword(stack.jdbcPassword());
    db.setConnectTimeout(10);
    db.setSocketTimeout(30);
    return new TenantStore(db);
  }

  /** The key of tenant {@value #DEMO_TENANT}, which the launcher makes at every start. */
  public String apiKey() {
    return apiKey;
  }

  private AppProcess launch(String name, String module, Map<String, String> env)
      throws IOException {
    AppProcess process =
        AppProcess.start(
            name, home.quarkusApp(module), env, home.run().resolve("logs/" + name + ".log"));
    services.add(process);
    return process;
  }

  private AppProcess launchScheduler() throws IOException {
    return launchScheduler(Map.of());
  }

  private AppProcess launchScheduler(Map<String, String> env) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(schedulerEnv);
    all.putAll(env);
    AppProcess scheduler =
        launch(
            "scheduler" + (schedulers.isEmpty() ? "" : "-" + (schedulers.size() + 1)),
            "scheduler",
            all);
    schedulers.add(scheduler);
    return scheduler;
  }

  /** Starts one more scheduler (a standby: one leads at a time) and waits until it is ready. */
  public AppProcess addScheduler() throws IOException {
    return addScheduler(Map.of());
  }

  /**
   * Starts one more scheduler with {@code env} added to the schedulers' settings and waits until it
   * is ready.
   */
  public AppProcess addScheduler(Map<String, String> env) throws IOException {
    AppProcess scheduler = launchScheduler(env);
    scheduler.awaitReady(READY_TIMEOUT);
    return scheduler;
  }

  /**
   * Kills the gateway (SIGKILL, as a crash would; nothing when it died already) and starts a new
   * one on the same port, with {@code env} added to its settings, and waits until it is ready.
   * Clients keep their URL.
   */
  public synchronized void restartGateway(Map<String, String> env) throws IOException {
    gateway.kill();
    services.remove(gateway);
    Map<String, String> all = new LinkedHashMap<>(gatewayEnv);
    all.putAll(env);
    gateway =
        AppProcess.start(
            "api-gateway",
            home.quarkusApp("api-gateway"),
            all,
            home.run().resolve("logs/api-gateway.log"),
            gateway.port());
    services.add(gateway);
    gateway.awaitReady(READY_TIMEOUT);
  }

  /** The gateway's process (its newest, after {@link #restartGateway}). */
  public synchronized AppProcess gateway() {
    return gateway;
  }

  /** The schedulers' processes, the first started first. */
  public List<AppProcess> schedulers() {
    return List.copyOf(schedulers);
  }

  private AppProcess startWorkerProcess() throws IOException {
    return startWorkerProcess(Map.of());
  }

  private AppProcess startWorkerProcess(Map<String, String> env) throws IOException {
    String name = "worker-" + (++workerCount);
    ownWorkerEnv.put(name, Map.copyOf(env));
    return workers.start(name);
  }

  private AppProcess launchWorker(String id) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(workerEnv);
    env.putAll(ownWorkerEnv.getOrDefault(id, Map.of()));
    env.put("WORKER_ID", id);
    return AppProcess.start(
        id,
        home.quarkusApp("render-worker/service"),
        env,
        home.run().resolve("logs/" + id + ".log"));
  }

  /** Starts one more render worker and waits until it is ready. */
  public AppProcess addWorker() throws IOException {
    return addWorkers(1, Map.of()).get(0);
  }

  /**
   * Starts {@code n} more render workers at once, with {@code env} added to the workers' settings
   * (e.g. {@code TESSERA_DRAIN_TIMEOUT}), also when they are restarted, and waits until they are
   * ready.
   */
  public List<AppProcess> addWorkers(int n, Map<String, String> env) throws IOException {
    List<AppProcess> added = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      added.add(startWorkerProcess(env));
    }
    for (AppProcess worker : added) {
      worker.awaitReady(READY_TIMEOUT);
    }
    return added;
  }

  /**
   * Scales in by one: the worker named {@code name} is no longer kept running and gets SIGTERM, on
   * which it drains and exits ({@link AppProcess#awaitExit} tells how). Returns its process.
   */
  public AppProcess retireWorker(String name) throws IOException {
    AppProcess worker = workers.release(name);
    retired.add(worker);
    worker.terminate();
    return worker;
  }

  public synchronized String gatewayUrl() {
    return gateway.url();
  }

  public ServiceStack stack() {
    return stack;
  }

  /** The workers' processes: for a worker restarted after a crash or a stall, its newest one. */
  public List<AppProcess> workers() {
    return workers.workers();
  }

  /**
   * How many times the launcher restarted the worker named {@code name} (its process exited or
   * stalled).
   */
  public int restarts(String name) {
    return workers.restarts(name);
  }

  /**
   * What clients and tools need to reach this farm, as {@code KEY=value} lines ({@code
   * .farm/stack.env}).
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GATEWAY_URL", gatewayUrl());
    env.put("TESSERA_API_KEY", apiKey);
    env.put("S3_ENDPOINT", stack.s3().endpoint());
    env.put("S3_ACCESS_KEY", stack.s3().accessKey());
    env.put("S3_SECRET_KEY", stack.s3().secretKey());
    env.put("KAFKA_BOOTSTRAP", stack.kafka().bootstrapServers());
    env.put("JDBC_URL", stack.jdbcUrl());
    env.put("JDBC_USER", stack.jdbcUser());
    env.put("JDBC_PASSWORD", stack.jdbcPassword());
    env.put(
        "WORKER_PIDS",
        workers().stream()
            .filter(AppProcess::isAlive)
            .map(w -> Long.toString(w.pid()))
            .collect(Collectors.joining(" ")));
    return env;
  }

  /**
   * Writes {@link #environment()} to {@code .farm/stack.env}, quoted where needed so a shell can
   * source it.
   */
  public void writeEnvironment() throws IOException {
    String lines =
        environment().entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "="
                        + (e.getValue().contains(" ") ? "\"" + e.getValue() + "\"" : e.getValue()))
            .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(home.stackEnv(), lines);
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Workers first, so no event is sent to a scheduler that is gone.
    workers.close();
    workers().forEach(AppProcess::close);
    retired.forEach(AppProcess::close);
    List<AppProcess> stopping = new ArrayList<>(services);
    java.util.Collections.reverse(stopping);
    stopping.forEach(AppProcess::close);
    stack.close();
    Files.deleteIfExists(home.stackEnv());
  }
}
