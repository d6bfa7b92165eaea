/**
 * The commands this module adds to the engine's CLI ({@link dev.tessera.render.cli.EngineCommand}):
 * {@code model} (miniature bundles, ESRGAN conversion) and {@code quality}. The top of the module:
 * it uses the other packages, none of them uses it.
 */
package dev.tessera.render.commands;
