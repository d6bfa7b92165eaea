package dev.tessera.render.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key layouts of LoRA files. */
class LoraFileTest {
  private final Map<String, SafeTensor> tensors = new LinkedHashMap<>();

  private LoraFileTest put(String name, long... shape) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    tensors.put(name, new SafeTensor(name, "F32", shape, new float[(int) count]));
    return this;
  }

  private LoraFileTest alpha(String name, float value) {
    tensors.put(name, new SafeTensor(name, "F32", new long[0], new float[] {value}));
    return this;
  }

  @Test
  void kohyaKeysWithAlpha() {
    put("lora_unet_mid_block_attn_q.lora_down.weight", 4, 64);
    put("lora_unet_mid_block_attn_q.lora_up.weight", 64, 4);
    alpha("lora_unet_mid_block_attn_q.alpha", 2f);
    put("lora_te_text_model_encoder_layers_0_q_proj.lora_down.weight", 8, 32);
    put("lora_te_text_model_encoder_layers_0_q_proj.lora_up.weight", 32, 8);
    List<LoraLayer> layers = LoraFile.layers("film", tensors);
    assertEquals(2, layers.size());
    LoraLayer unet = layers.get(0);
    assertEquals(LoraNetwork.UNET, unet.network());
    assertEquals("lora_unet_mid_block_attn_q", unet.key());
    assertEquals(2.0, unet.alpha());
    assertEquals(4, unet.rank());
    LoraLayer te = layers.get(1);
    assertEquals(LoraNetwork.TEXT_ENCODER, te.network());
    assertEquals(8.0, te.alpha(), "no alpha: alpha = rank");
  }

  @Test
  void diffusersAndPeftKeys() {
    put("unet.down_blocks.0.attentions.0.proj_in.lora_A.weight", 4, 32, 1, 1);
    put("unet.down_blocks.0.attentions.0.proj_in.lora_B.weight", 32, 4, 1, 1);
    put("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora.down.weight", 2, 16);
    put("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora.up.weight", 16, 2);
    List<LoraLayer> layers = LoraFile.layers("p", tensors);
    assertEquals("unet.down_blocks.0.attentions.0.proj_in", layers.get(0).key());
    assertEquals(LoraNetwork.TEXT_ENCODER, layers.get(1).network());
  }

  private void assertRefused(String expected) {
    LoraException e = assertThrows(LoraException.class, () -> LoraFile.layers("bad", tensors));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("LoRA adapter bad: key "), e.getMessage());
  }

  @Test
  void unknownKeysAreNamed() {
    put("lora_unet_x.hada_w1_a", 4, 4);
    assertRefused("key lora_unet_x.hada_w1_a is not a LoRA key");
  }

  @Test
  void sdxlAdaptersAreForAnotherBaseModel() {
    put("lora_te2_text_model_encoder_layers_0_q_proj.lora_down.weight", 4, 4);
    assertRefused("another base model");
  }

  @Test
  void halvesMustPairAndRanksAgree() {
    put("lora_unet_a.lora_down.weight", 4, 8);
    assertRefused("key lora_unet_a.lora_down.weight has no up (B) weight");
    tensors.clear();
    put("lora_unet_a.lora_down.weight", 4, 8).put("lora_unet_a.lora_up.weight", 8, 3);
    assertRefused("rank of");
    tensors.clear();
    put("vae.a.lora_A.weight", 4, 8).put("vae.a.lora_B.weight", 8, 4);
    assertRefused("names no network");
  }
}
