package dev.tessera.render.pipeline;

import dev.tessera.common.StageTimings;
import dev.tessera.render.image.RgbImage;
import java.util.List;

/**
 * A finished render.
 *
 * @param image the picture at the requested size
 * @param timings per-stage wall-clock times; callers append their own stages (PNG, upload)
 * @param droppedWords words of the prompt beyond what the text encoder takes (empty when it all
 *     fit)
 * @param parameters the generation settings as one text, for the PNG {@code parameters} chunk
 */
public record RenderResult(
    RgbImage image, StageTimings timings, List<String> droppedWords, String parameters) {}
