package dev.tessera.gateway.compat;

import dev.tessera.gateway.api.LoraRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's way of naming LoRA adapters: {@code <lora:NAME>} or {@code <lora:NAME:SCALE>}
 * inside the prompt. The tags are taken out of the prompt (A1111 never shows them to the text
 * encoder) and become the job's adapters; a scale that is no number is passed on as NaN, so the
 * job's checks name it. Pure.
 */
public final class LoraTags {
  private static final Pattern TAG = Pattern.compile("<lora:([^:>]*)(?::([^:>]*))?(?::[^>]*)?>");

  /**
   * A prompt without its adapter tags, and the adapters they name.
   *
   * @param prompt the prompt with every {@code <lora:…>} tag removed
   * @param loras the adapters in tag order; empty when there is none
   */
  public record Parsed(String prompt, List<LoraRequest> loras) {}

  private LoraTags() {}

  public static Parsed parse(String prompt) {
    if (prompt == null) {
      return new Parsed(null, List.of());
    }
    List<LoraRequest> loras = new ArrayList<>();
    Matcher m = TAG.matcher(prompt);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      Double scale = null;
      if (m.group(2) != null) {
        try {
          scale = Double.parseDouble(m.group(2).trim());
        } catch (NumberFormatException e) {
          scale = Double.NaN;
        }
      }
      loras.add(new LoraRequest(m.group(1).trim(), scale));
      m.appendReplacement(rest, "");
    }
    m.appendTail(rest);
    return new Parsed(loras.isEmpty() ? prompt : rest.toString().strip(), loras);
  }
}
