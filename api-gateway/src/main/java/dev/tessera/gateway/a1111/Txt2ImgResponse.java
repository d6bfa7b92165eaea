package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A1111's answer to txt2img.
 *
 * @param images base64 PNGs, without a {@code data:} prefix
 * @param parameters the request as sent, with A1111's defaults for the fields the farm honours
 * @param info a JSON document in a string, as A1111 sends it: seeds, prompts, sampler, infotexts
 */
public record Txt2ImgResponse(List<String> images, JsonNode parameters, String info) {}
