package dev.tessera.deploy.stack;

import java.util.List;
import java.util.Map;

/**
 * A Java program to run in a JVM of its own, as {@link ServerProcess} launches it.
 *
 * @param name names the process in logs and errors
 * @param jvmOptions options for the JVM (heap, GC, system properties)
 * @param classpath the program's classpath ({@link ParentWatch} is added in front)
 * @param mainClass the class whose {@code main} runs
 * @param args its arguments
 * @param env added to this JVM's environment
 */
public record JvmCommand(
    String name,
    List<String> jvmOptions,
    String classpath,
    String mainClass,
    List<String> args,
    Map<String, String> env) {

  /**
   * {@code mainClass} on a runtime resolved by the deploy build (a {@code <runtime>.classpath}
   * resource), with this JVM's environment.
   */
  static JvmCommand onRuntime(
      String name, String runtime, List<String> jvmOptions, String mainClass, List<String> args)
      throws java.io.IOException {
    return new JvmCommand(
        name, jvmOptions, ServerProcess.classpath(runtime), mainClass, args, Map.of());
  }
}
