/**
 * Upscaling a render to its delivery size (2048×2048 by default), tile by tile so that any GPU can
 * do it and no seam shows: {@link dev.tessera.render.upscale.X4Upscaler} (a Stable Diffusion x4
 * upscaler bundle, UNet tiles blended at every step as in Mixture of Diffusers, then tiled ×4 VAE
 * decoding with cross-fades), {@link dev.tessera.render.upscale.SrUpscaler} (an ESRGAN-family ONNX
 * model, tiled with cross-fades) and {@link dev.tessera.render.upscale.LanczosUpscaler} (the
 * baseline). A factor that is not a whole multiple is reached by upscaling ×4 and resampling with
 * Lanczos.
 *
 * <p>Entry points: {@link dev.tessera.render.upscale.Upscalers#open}, {@link
 * dev.tessera.render.upscale.TargetSize}, {@link dev.tessera.render.upscale.UpscaleSettings}.
 */
package dev.tessera.render.upscale;
