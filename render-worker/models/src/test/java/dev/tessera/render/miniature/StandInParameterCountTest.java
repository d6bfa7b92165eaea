package dev.tessera.render.miniature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stand-ins' graphs against the published parameter counts (PyTorch's {@code sum(p.numel())} of
 * diffusers' and transformers' modules), counted without writing weights.
 */
class StandInParameterCountTest {
  // SD 2.x: UNet2DConditionModel, CLIPTextModel (OpenCLIP ViT-H, 23 layers), AutoencoderKL's
  // encoder + quant_conv and post_quant_conv + decoder (83,653,863 together)
  private static final long SD2_UNET = 865_910_724L;
  private static final long SD2_TEXT_ENCODER = 340_387_840L;
  private static final long SD_VAE_ENCODER = 34_163_664L;
  private static final long SD_VAE_DECODER = 49_490_199L;

  @Test
  void sd21MatchesThePublishedCounts() {
    Map<String, Long> counts = StandInBundle.parameterCounts(StandInKind.SD21);
    assertEquals(SD2_UNET, counts.get("unet"));
    assertEquals(SD2_TEXT_ENCODER, counts.get("text_encoder"));
    assertEquals(SD_VAE_ENCODER, counts.get("vae_encoder"));
    assertEquals(SD_VAE_DECODER, counts.get("vae_decoder"));
    assertEquals(83_653_863L, counts.get("vae_encoder") + counts.get("vae_decoder"));
  }

  @Test
  void sd21BaseHasTheSameNetworks() {
    assertEquals(
        StandInBundle.parameterCounts(StandInKind.SD21),
        StandInBundle.parameterCounts(StandInKind.SD21_BASE));
  }

  /**
   * The x4 upscaler's UNet as its config builds it (in 7, block_out 256/512/512/1024, attention in
   * the last three blocks, only_cross_attention in the first three, 1,000 class embeddings); the
   * expected values are the closed-form sums of its layers' sizes, worked out below, since no
   * published total could be checked here.
   */
  @Test
  void x4UpscalerMatchesItsConfig() {
    Map<String, Long> counts = StandInBundle.parameterCounts(StandInKind.X4_UPSCALER);
    assertEquals(SD2_TEXT_ENCODER, counts.get("text_encoder"));
    assertEquals(473_398_020L, counts.get("unet"));
    assertEquals(x4DecoderByHand(), counts.get("vae_decoder"));
  }

  /** post_quant_conv, conv_in, mid block, three up blocks of three ResNets, norm, conv_out. */
  private static long x4DecoderByHand() {
    long count = conv(4, 4, 1) + conv(4, 512, 3);
    count += 2 * resnet(512, 512) + groupNorm(512) + 4 * (512L * 512 + 512);
    count += 3 * resnet(512, 512) + conv(512, 512, 3);
    count += resnet(512, 256) + 2 * resnet(256, 256) + conv(256, 256, 3);
    count += resnet(256, 128) + 2 * resnet(128, 128);
    return count + groupNorm(128) + conv(128, 3, 3);
  }

  private static long resnet(int in, int out) {
    long count = groupNorm(in) + conv(in, out, 3) + groupNorm(out) + conv(out, out, 3);
    return in == out ? count : count + conv(in, out, 1);
  }

  private static long conv(int in, int out, int kernel) {
    return (long) in * out * kernel * kernel + out;
  }

  private static long groupNorm(int channels) {
    return 2L * channels;
  }
}
