package dev.sqsx.extended.internal;

import java.util.regex.Pattern;

/** The key prefix rule both stores share: what a valid prefix is, and which keys it allows. */
public final class KeyPrefixes {

  private static final Pattern CHARACTERS = Pattern.compile("[a-zA-Z0-9./_-]*");

  private KeyPrefixes() {}

  /**
   * The prefix, trimmed, after checking it.
   *
   * @throws IllegalArgumentException naming the rule the prefix breaks
   */
  public static String valid(String prefix, int maxLength, String why) {
    String trimmed = prefix == null ? "" : prefix.trim();
    if (trimmed.length() > maxLength) {
      throw new IllegalArgumentException(
          "keyPrefix must be at most "
              + maxLength
              + " characters ("
              + why
              + "), was "
              + trimmed.length());
    }
    if (!CHARACTERS.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          "keyPrefix may contain only letters, digits, '.', '/', '_' and '-', was '"
              + trimmed
              + "'");
    }
    if (trimmed.startsWith(".") || trimmed.startsWith("/") || trimmed.contains("..")) {
      throw new IllegalArgumentException(
          "keyPrefix must not start with '.' or '/' nor contain '..', was '" + trimmed + "'");
    }
    return trimmed;
  }

  /** Whether a store with this prefix (enforced or not) may read or delete the key. */
  public static boolean allows(String prefix, boolean enforced, String key) {
    return !enforced || prefix.isEmpty() || key.startsWith(prefix);
  }

  /**
   * A stable key as a store's key, after checking it: 1..128 hex digits, so it can neither escape
   * the prefix nor collide with the UUID keys.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static String stableKey(String stableKey) {
    if (stableKey == null || !STABLE.matcher(stableKey).matches()) {
      throw new IllegalArgumentException(
          "stableKey must be 1..128 hex digits, was '" + stableKey + "'");
    }
    return "s-" + stableKey;
  }

  private static final Pattern STABLE = Pattern.compile("[0-9a-f]{1,128}");
}
