package dev.tessera.deploy;

/**
 * The {@code ./farm} launcher's entry point for the commands that run the farm's services. (The engine commands,
 * {@code model}, {@code render}, {@code tokenize} and {@code schedule}, run in the render worker's own JVM.)
 */
public final class Farm {
  private Farm() {}

  public static void main(String[] args) {
    System.err.println("usage: ./farm model|render|tokenize|schedule ... (see the README)");
    System.exit(2);
  }
}
