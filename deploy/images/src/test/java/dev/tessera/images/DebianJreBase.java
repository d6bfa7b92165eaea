package dev.tessera.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A container base image assembled from Debian's packages, for building images where no registry
 * can be reached: glibc, libstdc++, zlib and the headless OpenJDK 17 JRE, fetched with {@code
 * apt-get download} and unpacked with {@code dpkg-deb -x} into one root file system layer, packed
 * as a {@code docker save} tarball, which Jib takes as a {@code tar://} base. The packages and the
 * tarball are cached, the tarball keyed by the packages' file names (they carry the versions), so a
 * second run downloads and packs nothing.
 */
record DebianJreBase(Path tarball, String diffId, String javaHome, String architecture) {
  static final List<String> PACKAGES =
      List.of("libc6", "libgcc-s1", "libstdc++6", "zlib1g", "openjdk-17-jre-headless");
  static final List<String> TOOLS = List.of("apt-get", "dpkg", "dpkg-deb", "tar");

  /** The user the images run as (Quarkus' usual), given a name in the base's /etc/passwd. */
  static final int USER = 185;

  private static final Duration QUERY = Duration.ofMinutes(2);
  private static final Duration DOWNLOAD = Duration.ofMinutes(10);
  private static final Duration UNPACK = Duration.ofMinutes(3);

  /** The tools this needs that are not on the PATH, by name; empty when all are. */
  static List<String> missingTools() {
    return TOOLS.stream().filter(tool -> !Command.onPath(tool)).toList();
  }

  /** The base in {@code cache}, assembled first when it is not there yet. */
  static DebianJreBase assemble(Path cache) throws IOException {
    Path debs = Files.createDirectories(cache.resolve("debs"));
    String architecture = run(cache, QUERY, "dpkg", "--print-architecture").output().strip();
    String javaHome = "/usr/lib/jvm/java-17-openjdk-" + architecture;
    List<String> files;
    try {
      files = download(debs);
    } catch (IOException | IllegalStateException e) {
      // Package lists older than the mirror name versions it no longer holds (it keeps only the
      // newest); where this may, it reads them anew once.
      if (!run(cache, QUERY, "id", "-u").output().strip().equals("0")) {
        throw e;
      }
      run(cache, DOWNLOAD, "apt-get", "-q", "update");
      files = download(debs);
    }
    String key = sha256(String.join("\n", files)).substring(0, 12);
    Path tarball = cache.resolve("debian-jre17-" + key + ".tar");
    Path diffIdFile = cache.resolve("debian-jre17-" + key + ".diffid");
    if (!Files.exists(tarball) || !Files.exists(diffIdFile)) {
      pack(debs, files, cache.resolve("work-" + key), tarball, diffIdFile, javaHome, architecture);
    }
    return new DebianJreBase(tarball, Files.readString(diffIdFile), javaHome, architecture);
  }

  /** The packages' file names, downloaded into {@code debs} unless they are there already. */
  private static List<String> download(Path debs) throws IOException {
    List<String> command = new ArrayList<>(List.of("apt-get", "--print-uris", "-q", "download"));
    command.addAll(PACKAGES);
    // Asked outside debs: apt-get names nothing that the folder it runs in already holds.
    Command.Result uris = Command.run(debs.getParent(), QUERY, command);
    if (uris.exitCode() != 0) {
      throw new IllegalStateException(
          "apt-get cannot name the packages "
              + PACKAGES
              + " (no package lists? run apt-get update):\n"
              + uris.output());
    }
    // Each line: 'URI' FILE SIZE HASH
    List<String> files =
        uris.output()
            .lines()
            .filter(line -> line.startsWith("'"))
            .map(line -> line.split(" ")[1])
            .sorted()
            .toList();
    if (files.size() != PACKAGES.size()) {
      throw new IllegalStateException(
          "apt-get named " + files + " for the packages " + PACKAGES + ":\n" + uris.output());
    }
    if (!files.stream().allMatch(file -> Files.exists(debs.resolve(file)))) {
      List<String> get = new ArrayList<>(List.of("apt-get", "-q", "download"));
      get.addAll(PACKAGES);
      Command.run(debs, DOWNLOAD, get).orThrow(get);
      Optional<String> missing =
          files.stream().filter(file -> !Files.exists(debs.resolve(file))).findFirst();
      if (missing.isPresent()) {
        throw new IllegalStateException("apt-get download left no " + debs.resolve(missing.get()));
      }
    }
    return files;
  }

  /** Unpacks the packages into one layer and writes the image tarball (and its layer's diff id). */
  private static void pack(
      Path debs,
      List<String> files,
      Path work,
      Path tarball,
      Path diffIdFile,
      String javaHome,
      String architecture)
      throws IOException {
    delete(work);
    Path root = Files.createDirectories(work.resolve("rootfs"));
    for (String file : files) {
      run(work, UNPACK, "dpkg-deb", "-x", debs.resolve(file).toString(), root.toString());
    }
    if (!Files.isExecutable(root.resolve(javaHome.substring(1)).resolve("bin/java"))) {
      throw new IllegalStateException("the unpacked packages hold no " + javaHome + "/bin/java");
    }
    // What an installed system would have and the JVM wants: a writable /tmp, and names for the
    // users (a JVM whose uid has no name runs with user.name '?').
    Files.createDirectories(root.resolve("tmp"));
    run(work, QUERY, "chmod", "1777", root.resolve("tmp").toString());
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(
        root.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/usr/sbin/nologin\n"
            + "jboss:x:"
            + USER
            + ":"
            + USER
            + ":jboss:/home/jboss:/usr/sbin/nologin\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\njboss:x:" + USER + ":\n");

    // Reproducible: names sorted, owners root, times the epoch.
    run(
        work,
        UNPACK,
        "tar",
        "--create",
        "--file=layer.tar",
        "--directory=rootfs",
        "--sort=name",
        "--numeric-owner",
        "--owner=0",
        "--group=0",
        "--mtime=@0",
        ".");
    String diffId = "sha256:" + sha256(work.resolve("layer.tar"));

    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.createObjectNode();
    config
        .put("architecture", architecture)
        .put("os", "linux")
        .put("created", "1970-01-01T00:00:00Z");
    ArrayNode env = config.putObject("config").putArray("Env");
    env.add(
        "PATH=" + javaHome + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.add("JAVA_HOME=" + javaHome);
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId);
    config
        .putArray("history")
        .addObject()
        .put("created", "1970-01-01T00:00:00Z")
        .put("created_by", "dpkg-deb -x " + String.join(" ", files));
    json.writeValue(work.resolve("config.json").toFile(), config);

    ArrayNode manifest = json.createArrayNode();
    ObjectNode image = manifest.addObject().put("Config", "config.json");
    image.putArray("RepoTags").add("tessera-test/debian-jre17:latest");
    image.putArray("Layers").add("layer.tar");
    json.writeValue(work.resolve("manifest.json").toFile(), manifest);

    Path partial = tarball.resolveSibling(tarball.getFileName() + ".part");
    run(
        work,
        UNPACK,
        "tar",
        "--create",
        "--file=" + partial,
        "manifest.json",
        "config.json",
        "layer.tar");
    Files.writeString(diffIdFile, diffId);
    Files.move(partial, tarball, StandardCopyOption.REPLACE_EXISTING);
    delete(work);
  }

  private static Command.Result run(Path dir, Duration limit, String... command)
      throws IOException {
    return Command.run(dir, limit, List.of(command)).orThrow(List.of(command));
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(String text) {
    return HexFormat.of()
        .formatHex(sha256().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
