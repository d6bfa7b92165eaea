package dev.tessera.render.text;

/**
 * A run of prompt text with one emphasis weight.
 *
 * @param text the text, escapes already resolved
 * @param weight how strongly its tokens count: 1 as written, above 1 stronger, below 1 weaker
 */
public record WeightedText(String text, double weight) {}
