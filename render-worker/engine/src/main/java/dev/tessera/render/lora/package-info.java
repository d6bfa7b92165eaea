/**
 * LoRA adapters: the safetensors files they come in, the kohya and diffusers/PEFT key layouts, and
 * merging their low-rank deltas into the weights of an exported ONNX graph, found by the graph's
 * node names. Depends on nothing else of the engine but {@code onnx}; the pipeline uses it.
 */
package dev.tessera.render.lora;
