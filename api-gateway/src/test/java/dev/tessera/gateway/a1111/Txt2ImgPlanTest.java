package dev.tessera.gateway.a1111;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A1111 requests in the farm's terms: samplers, schedulers, hires fix, seeds, models. */
class Txt2ImgPlanTest {
  private static final List<String> MODELS = List.of("sd21", "sd15");
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void a1111DefaultsAreKept() throws Exception {
    Txt2ImgPlan plan = plan("{\"prompt\": \"p\"}");
    assertEquals(50, plan.request().steps());
    assertEquals(7.0, plan.request().cfgScale());
    assertEquals("Euler", plan.sampler().name());
    assertEquals("sd21", plan.model());
    assertEquals(new HiresFix("none", 512, 512), plan.hires());
    assertEquals(List.of(7L), plan.seeds());
  }

  @Test
  void samplersAreFoundByNameOrAliasInAnyCase() {
    assertEquals("euler-a", SdSampler.named("k_euler_ancestral").orElseThrow().farmScheduler());
    assertEquals("dpmpp-2m", SdSampler.named("dpm++ 2m karras").orElseThrow().farmScheduler());
    assertTrue(SdSampler.named("DPM++ 2M Karras").orElseThrow().karras());
    assertTrue(SdSampler.named("Heun").isEmpty());
  }

  @Test
  void karrasComesFromTheSamplerNameOrTheSchedulerField() throws Exception {
    assertTrue(
        plan("{\"prompt\": \"p\", \"sampler_name\": \"Euler\", \"scheduler\": \"Karras\"}")
            .karras());
    assertEquals(
        false,
        plan("{\"prompt\": \"p\", \"sampler_name\": \"Euler\", \"scheduler\": \"Automatic\"}")
            .karras());
  }

  @Test
  void theHiresFixScalesOrResizesKeepingTheAspectAndPicksAnUpscaler() throws Exception {
    assertEquals(
        new HiresFix("x4", 1024, 768),
        plan("{\"prompt\": \"p\", \"width\": 512, \"height\": 384, \"enable_hr\": true}").hires());
    assertEquals(
        new HiresFix("lanczos", 1200, 900),
        plan("""
                {"prompt": "p", "width": 512, "height": 384, "enable_hr": true,
                 "hr_resize_x": 1200, "hr_upscaler": "Lanczos"}""")
            .hires());
    assertEquals("sr", HiresFix.farmUpscale("4x-UltraSharp"));
    assertEquals("x4", HiresFix.farmUpscale("Latent (nearest-exact)"));
    assertEquals("lanczos", HiresFix.farmUpscale("None"));
  }

  @Test
  void seedsFollowEachOtherAndACheckpointMayCarryItsHash() throws Exception {
    Txt2ImgPlan plan =
        plan(
            """
            {"prompt": "p", "seed": 100, "batch_size": 2, "n_iter": 2,
             "override_settings": {"sd_model_checkpoint": "sd15.safetensors [abc123]"}}""");
    assertEquals(List.of(100L, 101L, 102L, 103L), plan.seeds());
    assertEquals("sd15", plan.model());
    assertEquals(4, plan.jobs().size());
    assertEquals(103L, plan.jobs().get(3).seed());
  }

  @Test
  void anUnknownSamplerIsA404AsInA1111() {
    SdApiException e =
        assertThrows(
            SdApiException.class, () -> plan("{\"prompt\": \"p\", \"sampler_name\": \"LMS\"}"));
    assertEquals(404, e.status());
  }

  private Txt2ImgPlan plan(String json) throws Exception {
    return Txt2ImgPlan.of(mapper.readValue(json, Txt2ImgRequest.class), MODELS, () -> 7L);
  }
}
