/**
 * The GPU benchmark ({@code bench gpu}): what one SD 2.1 job costs on this machine's device,
 * measured on the full-size stand-ins through the engine, with the check that the CUDA provider
 * really ran the network, and the capacity table ({@code bench capacity}) computed from its JSON.
 * Depends on the engine and on {@code dev.tessera.render.miniature} (the stand-ins); nothing
 * depends on it but the CLI command.
 */
package dev.tessera.render.bench;
