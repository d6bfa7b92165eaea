package dev.tessera.deploy.stack;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the stack's server JVMs ({@link ServerProcess}): runs the main class named by the
 * first argument with the remaining arguments, and exits the JVM (running its shutdown hooks, so
 * Kafka shuts down cleanly) as soon as its standard input reaches end-of-file. The JVM that started
 * the server holds the other end of that pipe, so a test JVM that crashes or is killed takes its
 * servers with it instead of leaving orphan brokers behind. A main method that throws ends the JVM
 * with status 1.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ParentWatch <main class> [args...]");
    }
    Thread watch = new Thread(ParentWatch::exitAtEndOfInput, "parent-watch");
    watch.setDaemon(true);
    watch.start();
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 1, rest, 0, rest.length);
    try {
      Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) rest);
    } catch (java.lang.reflect.InvocationTargetException e) {
      // A server whose main method failed may have left non-daemon threads (a web server's pool)
      // that would keep its
      // JVM up, half started; exiting lets the parent see the failure at once (and a port taken, in
      // the trace).
      e.getCause().printStackTrace();
      System.exit(1);
    }
  }

  private static void exitAtEndOfInput() {
    try (InputStream in = System.in) {
      while (in.read() >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException e) {
      // a broken pipe means the same as end-of-file: the parent is gone
    }
    System.err.println(
        "ParentWatch: standard input closed (the parent JVM stops this server or is gone), exiting");
    System.exit(0);
  }
}
