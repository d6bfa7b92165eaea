/**
 * Picture quality of the upscalers on real photographs: {@link
 * dev.tessera.render.quality.SamplePhotos} (Debian's python3-skimage sample photos, or a directory)
 * and {@link dev.tessera.render.quality.QualityRun} (shrink, bring back, PSNR and SSIM on luma).
 * Uses {@code fetch}; the methods measured are given to it.
 */
package dev.tessera.render.quality;
