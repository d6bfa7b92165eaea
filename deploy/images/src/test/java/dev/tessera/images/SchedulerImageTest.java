package dev.tessera.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The images profile at work: builds the scheduler's image with Quarkus' Jib extension, as {@code
 * ./mvnw -Pimages package} does, but on a Debian JRE base assembled here (no registry can be
 * reached to pull the usual one), and reads back the image tarball Jib wrote: tag, entrypoint,
 * user, working directory, exposed port, labels, and the layers themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerImageTest {
  private static final Duration BUILD = Duration.ofMinutes(8);
  private static final String WORKDIR = "home/jboss";

  private final Path home = Path.of(System.getProperty("tessera.home")).toAbsolutePath();
  private final String version = System.getProperty("tessera.version");
  private DebianJreBase base;
  private ImageTarball image;

  @BeforeAll
  void buildImage() throws IOException {
    List<String> missing = DebianJreBase.missingTools();
    assumeTrue(
        missing.isEmpty(),
        "skipped: assembling the Debian JRE base needs " + missing + " on the PATH");
    base = DebianJreBase.assemble(cacheDir());

    Path tarball = home.resolve("scheduler/target/jib-image.tar");
    Files.deleteIfExists(tarball);
    // The reactor has compiled these modules already, so this mostly runs Quarkus' build (with
    // Jib); its application goes to a folder of its own, leaving target/quarkus-app as it was.
    List<String> mvn = new ArrayList<>(List.of(home.resolve("mvnw").toString(), "-B", "-q"));
    if (Boolean.getBoolean("tessera.maven.offline")) {
      mvn.add("-o");
    }
    mvn.addAll(
        List.of(
            "-Pimages",
            "-pl",
            "scheduler",
            "-am",
            "package",
            "-Dmaven.test.skip=true",
            "-Dquarkus.package.output-directory=image-check",
            "-Dtessera.image.jvm-base=tar://" + base.tarball(),
            "-Dquarkus.jib.base-image-layers-cache=" + cacheDir().resolve("jib-base-layers")));
    Command.run(home, BUILD, mvn).orThrow(mvn);
    assertTrue(Files.exists(tarball), "the build wrote no " + tarball);
    image = ImageTarball.read(tarball);
  }

  @Test
  void isTaggedForTheRepositoryOfTheContract() {
    assertEquals(List.of("tessera/scheduler:" + version), image.repoTags());
  }

  @Test
  void runsTheFastJarWithTheBasesJavaAsTheNonRootUser() {
    JsonNode config = image.config().path("config");
    assertEquals(
        List.of(
            "java",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-jar",
            "quarkus-run.jar"),
        strings(config.path("Entrypoint")));
    assertEquals(String.valueOf(DebianJreBase.USER), config.path("User").asText());
    assertEquals("/" + WORKDIR, config.path("WorkingDir").asText());
    // The base's environment is kept: `java` on the PATH is the base's JRE.
    List<String> env = strings(config.path("Env"));
    assertTrue(
        env.stream().anyMatch(e -> e.startsWith("PATH=" + base.javaHome() + "/bin:")),
        "Env: " + env);
    assertTrue(env.contains("JAVA_HOME=" + base.javaHome()), "Env: " + env);
    assertEquals("linux", image.config().path("os").asText());
    assertEquals(base.architecture(), image.config().path("architecture").asText());
  }

  @Test
  void exposesTheSchedulersHttpPortAndCarriesItsLabels() {
    JsonNode config = image.config().path("config");
    List<String> ports = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertEquals(List.of("8080/tcp"), ports);
    Map<String, String> labels = new TreeMap<>();
    config
        .path("Labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    assertEquals("scheduler", labels.get("org.opencontainers.image.title"), labels.toString());
    assertEquals(version, labels.get("org.opencontainers.image.version"), labels.toString());
  }

  @Test
  void layersAreTheBaseThenQuarkusFastJarParts() {
    List<ImageTarball.Layer> layers = image.layers();
    // Every layer is what the config says it is: the diff ids were computed from the tarball.
    assertEquals(
        strings(image.config().path("rootfs").path("diff_ids")),
        layers.stream().map(ImageTarball.Layer::diffId).toList());
    // The base's one layer comes first, unchanged.
    assertEquals(base.diffId(), layers.get(0).diffId());
    assertTrue(layers.get(0).has(base.javaHome().substring(1) + "/bin/java"));
    assertTrue(layers.size() >= 5, layers.size() + " layers");

    List<ImageTarball.Layer> app = layers.subList(1, layers.size());
    assertTrue(inSomeLayer(app, WORKDIR + "/quarkus-run.jar"), "quarkus-run.jar");
    assertTrue(inSomeLayer(app, WORKDIR + "/quarkus/quarkus-application.dat"), "the Quarkus app");
    assertTrue(
        inSomeLayer(app, WORKDIR + "/lib/main/dev.tessera.common-" + version + ".jar"),
        "the common module's jar");
    assertTrue(
        app.stream()
            .flatMap(layer -> layer.entries().stream())
            .anyMatch(
                e -> e.path().startsWith(WORKDIR + "/lib/main/org.apache.kafka.kafka-clients-")),
        "kafka-clients among the libraries");
    // Dependencies and the application are separate layers, so a code change ships a small layer.
    ImageTarball.Layer appLayer =
        app.stream().filter(layer -> layer.has(WORKDIR + "/app")).findFirst().orElseThrow();
    assertTrue(
        appLayer.entries().stream().noneMatch(e -> e.path().startsWith(WORKDIR + "/lib/")),
        "the app layer holds no libraries");
    // The non-root user owns its working directory (Quarkus' run files may be read, not written).
    ImageTarball.Entry workdir =
        app.stream()
            .filter(layer -> layer.has(WORKDIR))
            .map(layer -> layer.entry(WORKDIR))
            .filter(ImageTarball.Entry::directory)
            .reduce((first, last) -> last)
            .orElseThrow();
    assertEquals(DebianJreBase.USER, workdir.uid());
  }

  private static boolean inSomeLayer(List<ImageTarball.Layer> layers, String path) {
    return layers.stream().anyMatch(layer -> layer.has(path));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  /** Where the base and Jib's copy of its layer stay between builds ({@code mvn clean} too). */
  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path root =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return root.resolve("tessera/images");
  }
}
