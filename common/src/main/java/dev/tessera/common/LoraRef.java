package dev.tessera.common;

/**
 * A LoRA adapter a job renders with, and how strongly.
 *
 * @param name the adapter's name: its file is {@code <name>.safetensors} in the worker's adapter
 *     directory or under {@code models/loras/} in the farm's bucket
 * @param scale the strength its delta is added with; 0 leaves the model as it is, 1 is the strength
 *     it was trained at, negative values steer away from it
 */
public record LoraRef(String name, double scale) {}
