package dev.tessera.deploy.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM of the stack (the Kafka broker, S3Proxy), started with {@code java} from this
 * JVM's {@code java.home} on a classpath resolved at build time (see {@link #classpath}), with
 * stdout and stderr appended to a log file. A server that exits because another process took its
 * port is told apart ({@link #checkAlive}, {@link #exitedOnTakenPort}), so that its owner can start
 * it again on another port.
 *
 * <p>Lifetime: alive from {@link #launch} until {@link #stop}, {@link #kill} or {@link #close()}
 * (safe twice), and never longer than this JVM (see {@link ParentWatch}).
 */
public final class ServerProcess implements WatchedServer, AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /**
   * How a failed bind reads in a server's output: the message of {@link java.net.BindException},
   * and Jetty's, which S3Proxy logs without the cause.
   */
  private static final List<String> BIND_FAILURES =
      List.of("Address already in use", "Failed to bind to ");

  private static final int TAIL_BYTES = 16_384;

  /**
   * How much of its output since launch is searched for a failed bind; a server's shutdown follows
   * the failure.
   */
  private static final int BIND_FAILURE_SCAN_BYTES = 262_144;

  private final String name;
  private final Process process;
  private final Path log;

  /**
   * Where this process's output starts in the log, which earlier runs of the server may have
   * written to.
   */
  private final long logStart;

  private ServerProcess(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM whose classpath is the runtime {@code
   * runtime} (a {@code <runtime>.classpath} resource written by the deploy build) plus {@link
   * ParentWatch}.
   */
  static ServerProcess launch(
      String name,
      String runtime,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path log)
      throws IOException {
    return launch(name, jvmOptions, classpath(runtime), mainClass, args, Map.of(), log);
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM on {@code classpath} (plus {@link
   * ParentWatch}), with {@code env} added to this JVM's environment.
   */
  public static ServerProcess launch(
      String name,
      List<String> jvmOptions,
      String classpath,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(ownLocation() + java.io.File.pathSeparator + classpath);
    command.add(ParentWatch.class.getName());
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(log.getParent());
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ServerProcess(name, builder.start(), log, logStart);
  }

  /**
   * Runs a command-line tool in its own JVM to completion; fails with its log when it exits
   * non-zero.
   */
  static void run(
      String name,
      String runtime,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path log,
      Duration timeout)
      throws IOException {
    ServerProcess tool = launch(name, runtime, jvmOptions, mainClass, args, log);
    try {
      if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        tool.kill();
        throw new IOException(
            name
                + " did not finish within "
                + timeout
                + "; its output ("
                + log
                + "):\n"
                + tool.logTail());
      }
    } catch (InterruptedException e) {
      tool.kill();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + name, e);
    }
    if (tool.process.exitValue() != 0) {
      throw new IOException(
          name
              + " failed with exit code "
              + tool.process.exitValue()
              + "; its output ("
              + log
              + "):\n"
              + tool.logTail());
    }
  }

  /**
   * The classpath of a server runtime, read from the resource {@code <runtime>.classpath} that the
   * deploy build generates (deploy/runtimes/pom.xml), with every jar checked to exist.
   */
  static String classpath(String runtime) throws IOException {
    String resource = runtime + ".classpath";
    String classpath;
    try (InputStream in = ServerProcess.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            "resource "
                + resource
                + " is missing next to "
                + ServerProcess.class.getName()
                + "; it is generated by the deploy build: run ./mvnw -pl deploy install");
      }
      classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    for (String jar : classpath.split(java.io.File.pathSeparator)) {
      if (!Files.isRegularFile(Path.of(jar))) {
        throw new IOException(
            jar
                + " (listed in "
                + resource
                + ") does not exist; the local Maven repository "
                + "changed since deploy was built: run ./mvnw -pl deploy install to resolve it again");
      }
    }
    return classpath;
  }

  private static String ownLocation() {
    try {
      return Path.of(ParentWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the deploy classes for the server JVMs", e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Fails, naming the server and showing its log, when the process has exited: with {@link
   * PortInUseException} when it exited because a port it was to bind was taken.
   */
  @Override
  public void checkAlive() throws IOException {
    if (!process.isAlive()) {
      String message =
          name
              + " exited with code "
              + process.exitValue()
              + "; its log ("
              + log
              + "):\n"
              + logTail();
      throw exitedOnTakenPort() ? new PortInUseException(message) : new IOException(message);
    }
  }

  /**
   * Whether the process has exited after failing to bind a port (its output since launch says so).
   */
  public boolean exitedOnTakenPort() {
    if (process.isAlive()) {
      return false;
    }
    String output = read(logStart, BIND_FAILURE_SCAN_BYTES);
    return BIND_FAILURES.stream().anyMatch(output::contains);
  }

  /**
   * Asks the server to shut down (SIGTERM) and waits for it; kills it when it takes longer than 30
   * s.
   */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    process.onExit().join();
  }

  /** The last 60 lines of the server's log, for error messages. */
  @Override
  public String logTail() {
    List<String> lines = read(0, TAIL_BYTES).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** The log from byte {@code from} on, at most its last {@code maxBytes}. */
  private String read(long from, int maxBytes) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, file.length() - maxBytes);
      byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + name + " at " + log, e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
