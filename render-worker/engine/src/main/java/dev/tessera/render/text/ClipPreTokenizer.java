package dev.tessera.render.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text clean-up and word splitting, the steps before byte-pair encoding: HTML entities are
 * unescaped (twice, as CLIP does; the common named entities and numeric references, not all of
 * HTML5), whitespace runs collapse to one space, the text is stripped and lowercased, then split
 * with CLIP's word pattern. ftfy's mojibake repair is not reproduced: prompts arriving as proper
 * Unicode do not need it.
 */
final class ClipPreTokenizer {
  private static final Pattern WORD =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE =
      Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern ENTITY =
      Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);");
  private static final Map<String, String> NAMED_ENTITIES =
      Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");

  private ClipPreTokenizer() {}

  /**
   * The text as CLIP sees it before splitting: unescaped, whitespace collapsed, stripped,
   * lowercased.
   */
  static String normalize(String text) {
    String unescaped = unescapeHtml(unescapeHtml(text));
    return WHITESPACE.matcher(unescaped).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
  }

  /** The words of normalised text, in order. */
  static List<String> words(String normalized) {
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(normalized);
    while (matcher.find()) {
      words.add(matcher.group());
    }
    return words;
  }

  private static String unescapeHtml(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    return ENTITY
        .matcher(text)
        .replaceAll(match -> Matcher.quoteReplacement(resolve(match.group(1), match.group())));
  }

  /** The entity's character, or the reference unchanged when it names nothing known. */
  private static String resolve(String body, String whole) {
    if (body.charAt(0) != '#') {
      return NAMED_ENTITIES.getOrDefault(body, whole);
    }
    boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
    int codePoint = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
    boolean valid =
        codePoint > 0
            && codePoint <= Character.MAX_CODE_POINT
            && !(codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
    return valid ? Character.toString(codePoint) : whole;
  }
}
