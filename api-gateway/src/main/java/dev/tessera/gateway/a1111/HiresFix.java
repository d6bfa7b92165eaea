package dev.tessera.gateway.a1111;

import java.util.Locale;

/**
 * A1111's hires fix as the farm does it: A1111 renders, upscales by {@code hr_scale} (or to {@code
 * hr_resize_x} × {@code hr_resize_y}) and denoises again; the farm renders and upscales with one of
 * its upscalers to 2048 on the long side, and the gateway fits that to the asked size.
 *
 * @param upscale the farm's upscale mode, {@code none} when the image stays at its render size
 */
record HiresFix(String upscale, int width, int height) {
  /** The farm's delivered long side when it upscales. */
  static final int MAX_SIDE = 2048;

  /**
   * The upscale and final size {@code request} (with defaults) asks for.
   *
   * @throws SdApiException when the size is smaller than the render or larger than the farm makes
   */
  static HiresFix of(Txt2ImgRequest request) {
    int width = request.width();
    int height = request.height();
    if (!request.enableHr()) {
      return new HiresFix("none", width, height);
    }
    int toWidth = request.hrResizeX();
    int toHeight = request.hrResizeY();
    if (toWidth <= 0 && toHeight <= 0) {
      toWidth = (int) (width * request.hrScale());
      toHeight = (int) (height * request.hrScale());
    } else if (toHeight <= 0) {
      toHeight = toWidth * height / width;
    } else if (toWidth <= 0) {
      toWidth = toHeight * width / height;
    }
    if (toWidth < width || toHeight < height) {
      throw SdApiException.invalid(
          "the hires size " + toWidth + "x" + toHeight + " is smaller than the render", "hr_scale");
    }
    if (Math.max(toWidth, toHeight) > MAX_SIDE) {
      throw SdApiException.invalid(
          "the hires size "
              + toWidth
              + "x"
              + toHeight
              + " is larger than the farm delivers ("
              + MAX_SIDE
              + " on the long side)",
          "hr_scale");
    }
    if (toWidth == width && toHeight == height) {
      return new HiresFix("none", width, height);
    }
    return new HiresFix(farmUpscale(request.hrUpscaler()), toWidth, toHeight);
  }

  /**
   * The farm's upscaler for A1111's {@code hr_upscaler}: the latent and LDSR upscalers, which
   * diffuse again, are the x4 diffusion upscaler (also when none is named, as A1111's default is
   * {@code Latent}); the plain resamplers are Lanczos; every model upscaler (ESRGAN, SwinIR,
   * ScuNET, ...) is the farm's super-resolution model.
   */
  static String farmUpscale(String hrUpscaler) {
    String name = hrUpscaler == null ? "latent" : hrUpscaler.toLowerCase(Locale.ROOT);
    if (name.startsWith("latent") || name.equals("ldsr")) {
      return "x4";
    }
    if (name.equals("lanczos") || name.equals("nearest") || name.equals("none")) {
      return "lanczos";
    }
    return "sr";
  }
}
