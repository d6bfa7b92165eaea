package dev.tessera.render.quality;

import dev.tessera.render.image.RgbImage;

/**
 * A photograph to measure on.
 *
 * @param name short name for tables, e.g. the file name
 * @param source where it comes from and its license
 */
public record Photo(String name, RgbImage image, String source) {}
