package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.deploy.farm.DispatchBenchmark;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LoadHarness;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.deploy.farm.LoraOptions;
import dev.tessera.deploy.farm.ProgressDisplay;
import dev.tessera.deploy.farm.TenantCommand;
import dev.tessera.deploy.soak.Fault;
import dev.tessera.deploy.soak.SoakRun;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ./farm} launcher's entry point for the commands that run the farm: {@code demo},
 * {@code up}, {@code down} (and {@code host}, the background process {@code up} leaves running).
 * The engine commands ({@code model}, {@code render}, {@code tokenize}, {@code schedule}) run in
 * the render worker's own JVM.
 */
public final class Farm {
  private static final String USAGE =
      String.join(
          "\n",
          "usage:",
          "  ./farm demo \"PROMPT\" [--model DIR] [--upscale x4|sr|lanczos] [--upscaler DIR] [--workers N]"
              + " [--lora NAME[:SCALE]]...",
          "  ./farm up [--workers N] [--model DIR] [--x4 DIR] [--sr FILE]",
          "  ./farm down",
          "  ./farm load [--workers N] [--long N] [--long-steps N] [--long-upscale x4|sr|lanczos] [--short N]"
              + " [--short-steps N]",
          "  ./farm bench-dispatch [--jobs N]",
          "  ./farm soak [--jobs N] [--steps N] [--workers W] [--kill-every S] [--faults LIST|all] [--timeout MINUTES]",
          TenantCommand.USAGE,
          "  ./farm chart template [-f values.yaml]...   (the Helm chart, rendered; see the README)",
          "  ./farm model|render|tokenize|schedule ...   (the engine; see the README)");

  private Farm() {}

  public static void main(String[] args) {
    List<String> words = List.of(args);
    try {
      String command = words.isEmpty() ? "" : words.get(0);
      List<String> after = words.subList(Math.min(1, words.size()), words.size());
      switch (command) {
        case "demo" -> demo(after, FarmHome.current(), System.out);
        case "up" -> up(new Args(after));
        case "down" -> down();
        case "load" -> load(new Args(after));
        case "bench-dispatch" -> benchDispatch(new Args(after));
        case "soak" -> soak(new Args(after));
        case "host" -> host(new Args(after));
        case "tenant" -> tenant(after);
        default ->
            throw new IllegalArgumentException(
                command.isEmpty() ? USAGE : "unknown command '" + command + "'\n" + USAGE);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  /**
   * {@code ./farm demo}: runs the whole farm under {@code home}, renders one prompt through the
   * API, saves the PNG under {@code home}'s {@code out/}, tells {@code out} how it went, and stops
   * everything.
   *
   * @param words the command's words after {@code demo}
   * @return the saved PNG
   */
  public static Path demo(List<String> words, FarmHome home, PrintStream out) throws IOException {
    Args args = new Args(words);
    String prompt =
        args.positional().orElseThrow(() -> new IllegalArgumentException("demo needs a PROMPT"));
    String upscale = args.option("upscale").orElse("x4");
    Path upscaler = args.option("upscaler").map(Path::of).orElse(null);
    List<String> loras = args.options("lora");
    LocalFarm.Options options =
        new LocalFarm.Options(
            args.intOption("workers", 1),
            "miniature-sd2-v",
            args.option("model").map(Path::of).orElse(null),
            "x4".equals(upscale) ? upscaler : null,
            "sr".equals(upscale) ? upscaler : null,
            Map.of());
    args.finish();
    if (options.model() == null) {
      out.println(
          "note: no --model: rendering with the untrained miniature bundle (proves the pipeline, "
              + "not the pictures)");
    }
    long t0 = System.nanoTime();
    try (LocalFarm farm = LocalFarm.start(home, options)) {
      out.printf(
          "farm up in %.1f s: gateway %s, %d worker(s)%n",
          (System.nanoTime() - t0) / 1e9, farm.gatewayUrl(), farm.workers().size());
      FarmClient client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
      ObjectNode job = FarmClient.request(prompt).put("upscale", upscale);
      if (!loras.isEmpty()) {
        job.set("loras", LoraOptions.toJson(loras));
      }
      String id = client.submit(job);
      out.println("submitted job " + id);
      ProgressDisplay display =
          new ProgressDisplay(out, out == System.out && System.console() != null, System::nanoTime);
      JsonNode done = client.awaitEnd(id, Duration.ofMinutes(15), display::update);
      if (!"SUCCEEDED".equals(done.path("state").asText())) {
        throw new IOException(
            "job " + id + " ended " + done.path("state").asText() + ": " + done.path("error"));
      }
      Path png = home.root().resolve("out").resolve(id + ".png");
      client.download(done, png);
      out.println("timings:");
      double total = 0;
      for (JsonNode stage : done.path("timings")) {
        double millis = stage.path("millis").asDouble();
        total += millis;
        String detail = stage.path("detail").asText("");
        out.printf(
            "  %-12s %9.1f ms%s%n",
            stage.path("stage").asText(), millis, detail.isEmpty() ? "" : "  (" + detail + ")");
      }
      out.printf("  %-12s %9.1f ms%n", "total", total);
      out.println("saved " + home.root().relativize(png));
      return png;
    }
  }

  /** Tenants and API keys of the running farm (or the database the environment names). */
  private static void tenant(List<String> words) throws IOException {
    TenantCommand.run(FarmHome.current(), words, System.out);
  }

  /**
   * The load harness: a mix of long and short jobs on a fresh farm, and how busy the workers kept.
   */
  private static void load(Args args) throws IOException {
    int workers = args.intOption("workers", 1);
    LoadHarness.Mix mix =
        new LoadHarness.Mix(
            args.intOption("long", 2),
            args.intOption("long-steps", 25),
            args.option("long-upscale").orElse("x4"),
            args.intOption("short", 10),
            args.intOption("short-steps", 6));
    args.finish();
    System.out.println(
        "note: untrained miniature models; the figures measure the farm's scheduling, not SD's speed");
    LoadHarness.run(FarmHome.current(), LocalFarm.Options.defaults(workers), mix, System.out);
  }

  /** The dispatch latency benchmark: job submitted to started, against Kafka's own round trip. */
  private static void benchDispatch(Args args) throws IOException {
    int jobs = args.intOption("jobs", 200);
    args.finish();
    System.out.println(
        "note: untrained miniature models; the figures measure dispatch, not SD's speed");
    DispatchBenchmark.run(FarmHome.current(), jobs, System.out);
  }

  /**
   * The soak: many cheap jobs on a fresh farm while faults are injected, then a reconciliation of
   * every store; exits 1 unless nothing was lost or doubled.
   */
  private static void soak(Args args) throws IOException {
    int jobs = args.intOption("jobs", 300);
    int workers = args.intOption("workers", 3);
    int steps = args.intOption("steps", 2);
    String every = args.option("kill-every").orElse("5");
    Duration interval;
    try {
      interval = Duration.ofSeconds(Long.parseLong(every));
      if (interval.isNegative()) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--kill-every: expected whole seconds between faults (0: none), got '" + every + "'");
    }
    List<Fault> faults = Fault.parse(args.option("faults").orElse("all"));
    int minutes = args.intOption("timeout", Math.max(10, jobs / 30));
    args.finish();
    System.out.println(
        "note: untrained miniature models; the soak checks the farm's bookkeeping, not pictures");
    SoakRun.Report report =
        SoakRun.run(
            FarmHome.current(),
            new SoakRun.Options(
                jobs, steps, workers, interval, faults, Duration.ofMinutes(minutes)),
            System.out);
    if (!report.reconciled().clean()) {
      throw new IOException("the soak lost, doubled or misplaced jobs (see the report above)");
    }
  }

  /**
   * Starts the farm in a background process and returns once it is ready ({@code .farm/stack.env}
   * written).
   */
  private static void up(Args args) throws IOException {
    FarmHome home = FarmHome.current();
    if (Files.exists(home.hostPid()) && hostProcess(home).isPresent()) {
      throw new IllegalArgumentException(
          "a farm is already up (pid in " + home.hostPid() + "); ./farm down first");
    }
    Files.deleteIfExists(home.stackEnv());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtessera.home=" + home.root(),
                "-cp",
                System.getProperty("java.class.path"),
                Farm.class.getName(),
                "host"));
    command.addAll(args.all());
    Files.createDirectories(home.state());
    Path log = home.state().resolve("host.log");
    Process host =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!Files.exists(home.stackEnv())) {
      if (!host.isAlive() || System.nanoTime() > deadline) {
        host.destroy();
        throw new IOException("the farm did not come up; see " + log);
      }
      sleep(500);
    }
    System.out.print(Files.readString(home.stackEnv()));
    System.out.println(
        "farm is up (" + home.root().relativize(home.stackEnv()) + "); stop it with ./farm down");
  }

  /**
   * The background process: runs the farm until it is told to stop (SIGTERM from {@code ./farm
   * down}).
   */
  private static void host(Args args) throws IOException {
    FarmHome home = FarmHome.current();
    LocalFarm.Options options =
        new LocalFarm.Options(
            args.intOption("workers", 1),
            "miniature-sd2-v",
            args.option("model").map(Path::of).orElse(null),
            args.option("x4").map(Path::of).orElse(null),
            args.option("sr").map(Path::of).orElse(null),
            Map.of());
    args.finish();
    LocalFarm farm = LocalFarm.start(home, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    farm.close();
                    Files.deleteIfExists(home.hostPid());
                  } catch (IOException e) {
                    System.err.println("stopping the farm: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    Files.writeString(home.hostPid(), Long.toString(ProcessHandle.current().pid()));
    farm.writeEnvironment();
    System.out.println("farm up: " + farm.environment());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the farm that {@code up} started and waits until everything is gone. */
  private static void down() throws IOException {
    FarmHome home = FarmHome.current();
    Optional<ProcessHandle> host = hostProcess(home);
    if (host.isEmpty()) {
      Files.deleteIfExists(home.hostPid());
      Files.deleteIfExists(home.stackEnv());
      System.out.println("no farm is up");
      return;
    }
    host.get().destroy();
    try {
      host.get().onExit().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      host.get().destroyForcibly();
    }
    System.out.println("farm stopped");
  }

  private static Optional<ProcessHandle> hostProcess(FarmHome home) throws IOException {
    if (!Files.exists(home.hostPid())) {
      return Optional.empty();
    }
    long pid = Long.parseLong(Files.readString(home.hostPid()).trim());
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code --name value} options and at most one positional word. */
  private static final class Args {
    private final List<String> words;
    private final java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, List<String>> repeated = new java.util.LinkedHashMap<>();
    private final java.util.Set<String> asked = new java.util.HashSet<>();
    private String positional;

    Args(List<String> words) {
      this.words = words;
      for (int i = 0; i < words.size(); i++) {
        String w = words.get(i);
        if (w.startsWith("--")) {
          if (i + 1 >= words.size()) {
            throw new IllegalArgumentException(w + " needs a value");
          }
          String value = words.get(++i);
          options.put(w.substring(2), value);
          repeated.computeIfAbsent(w.substring(2), n -> new java.util.ArrayList<>()).add(value);
        } else if (positional == null) {
          positional = w;
        } else {
          throw new IllegalArgumentException("unexpected argument '" + w + "' (quote the prompt)");
        }
      }
    }

    Optional<String> positional() {
      return Optional.ofNullable(positional);
    }

    Optional<String> option(String name) {
      asked.add(name);
      return Optional.ofNullable(options.get(name));
    }

    /** Every value of an option that may be repeated, in order. */
    List<String> options(String name) {
      asked.add(name);
      return repeated.getOrDefault(name, List.of());
    }

    int intOption(String name, int fallback) {
      return option(name)
          .map(
              v -> {
                try {
                  int n = Integer.parseInt(v);
                  if (n < 1) {
                    throw new NumberFormatException();
                  }
                  return n;
                } catch (NumberFormatException e) {
                  throw new IllegalArgumentException(
                      "--" + name + ": expected a whole number of at least 1, got '" + v + "'");
                }
              })
          .orElse(fallback);
    }

    List<String> all() {
      return words;
    }

    void finish() {
      for (String name : options.keySet()) {
        if (!asked.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name);
        }
      }
    }
  }
}
