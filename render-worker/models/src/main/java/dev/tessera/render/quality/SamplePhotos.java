package dev.tessera.render.quality;

import dev.tessera.render.fetch.DebianPackages;
import dev.tessera.render.image.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The photographs quality is measured on: by default six that Debian's {@code python3-skimage}
 * package ships (scikit-image's sample data, each public domain or CC0 as scikit-image documents
 * it), or every PNG and JPEG of a directory. Stateless.
 */
public final class SamplePhotos {
  /** The Debian package the default photos come from. */
  public static final String DEBIAN_PACKAGE = "python3-skimage";

  private static final String DATA = "usr/lib/python3/dist-packages/skimage/data/";

  /** File, what it shows, and its license as scikit-image's data module states it. */
  private static final String[][] DEFAULTS = {
    {"astronaut.png", "portrait of astronaut Eileen Collins (NASA), public domain"},
    {"chelsea.png", "Chelsea the cat, fur and whiskers (Stefan van der Walt), CC0"},
    {"coffee.png", "coffee cup on wood (Rachel Michetti), CC0"},
    {"rocket.jpg", "Falcon 9 launch (SpaceX), public domain"},
    {"camera.png", "cameraman outdoors, greyscale (Lav Varshney), CC0"},
    {"grass.png", "grass texture, greyscale (CC0 via DeviantArt)"},
  };

  private SamplePhotos() {}

  /**
   * The default photos, fetching the Debian package on first use.
   *
   * @throws IOException when apt-get cannot fetch it or a photo is missing from it
   */
  public static List<Photo> defaults() throws IOException {
    Path root = DebianPackages.unpacked(DEBIAN_PACKAGE);
    String deb = DebianPackages.source(root);
    List<Photo> photos = new ArrayList<>();
    for (String[] entry : DEFAULTS) {
      Path file = root.resolve(DATA + entry[0]);
      photos.add(new Photo(entry[0], ImageFiles.read(file), entry[1] + "; from " + deb));
    }
    return photos;
  }

  /**
   * Every PNG and JPEG directly in {@code dir}, by file name.
   *
   * @throws IOException when {@code dir} is not a directory, holds none, or one does not read
   */
  public static List<Photo> fromDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("--images: " + dir + " is not a directory");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(ImageFiles::isPngOrJpeg).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("--images: no .png, .jpg or .jpeg file in " + dir);
    }
    List<Photo> photos = new ArrayList<>();
    for (Path file : files) {
      photos.add(new Photo(file.getFileName().toString(), ImageFiles.read(file), file.toString()));
    }
    return photos;
  }
}
