/**
 * Trained ESRGAN super-resolution models from UpscalerJS's npm packages, converted from
 * TensorFlow.js layers models to ONNX models the sr upscaler runs: {@link
 * dev.tessera.render.esrgan.LayersModel} reads one, {@link
 * dev.tessera.render.esrgan.LayersModelConverter} converts it, {@link
 * dev.tessera.render.esrgan.EsrganModels} fetches, converts and caches. Uses {@code fetch} and the
 * miniature package's graph builder; nothing here is used by them.
 */
package dev.tessera.render.esrgan;
