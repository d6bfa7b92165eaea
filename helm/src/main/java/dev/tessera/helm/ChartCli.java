package dev.tessera.helm;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./farm chart template [-f values.yaml]... [--name RELEASE] [--namespace NS]}: prints the
 * rendered chart, for operators without helm (pipe it to {@code kubectl apply -f -}).
 */
public final class ChartCli {
  static final String USAGE =
      "usage: ./farm chart template [-f values.yaml]... [--name RELEASE] [--namespace NAMESPACE]"
          + " [--kube-version 1.30.0]";

  private ChartCli() {}

  public static void main(String[] args) {
    Path home = Path.of(System.getProperty("tessera.home", "."));
    try {
      run(home, List.of(args), System.out);
    } catch (IllegalArgumentException | ChartRenderer.ChartException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
    System.exit(0);
  }

  /**
   * Runs {@code args} (the words after {@code chart}) against the chart under {@code home}; values
   * files are relative to the working directory.
   *
   * @throws IllegalArgumentException for a bad command line, naming what is wrong
   * @throws ChartRenderer.ChartException when Helm refuses the values or the chart
   */
  static void run(Path home, List<String> args, PrintStream out) {
    if (args.isEmpty() || !args.get(0).equals("template")) {
      throw new IllegalArgumentException(
          (args.isEmpty() ? "" : "unknown chart command '" + args.get(0) + "'\n") + USAGE);
    }
    List<Path> values = new ArrayList<>();
    String release = "tessera";
    String namespace = "default";
    String kubeVersion = ChartRenderer.KUBE_VERSION;
    for (int i = 1; i < args.size(); i++) {
      String option = args.get(i);
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("unexpected argument '" + option + "'\n" + USAGE);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
      }
      String value = args.get(++i);
      switch (option) {
        case "-f", "--values" -> values.add(Path.of(value));
        case "--name" -> release = value;
        case "--namespace" -> namespace = value;
        case "--kube-version" -> kubeVersion = value;
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    out.print(
        new ChartRenderer(home.resolve(ChartRenderer.CHART))
            .template(release, namespace, kubeVersion, values));
  }
}
