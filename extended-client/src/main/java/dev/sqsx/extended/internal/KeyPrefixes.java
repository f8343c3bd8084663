/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
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

  /**
   * Whether a store with this prefix (enforced or not) may read or delete the key. A prefix admits
   * only the keys a writer puts under it, not every key that merely starts with it ({@code
   * tenant-a} must not reach {@code tenant-ab/x}): a prefix ending in {@code /} admits one path
   * level below it (any name without a further {@code /}); any other prefix admits the prefix
   * followed by a UUID (what AWS's library and sqsx write) or by sqsx's stable key ({@code s-} and
   * hex digits).
   */
  public static boolean allows(String prefix, boolean enforced, String key) {
    if (!enforced || prefix.isEmpty()) {
      return true;
    }
    if (!key.startsWith(prefix) || key.length() == prefix.length()) {
      return false;
    }
    String rest = key.substring(prefix.length());
    if (prefix.endsWith("/")) {
      return rest.indexOf('/') < 0;
    }
    return WRITTEN.matcher(rest).matches();
  }

  /**
   * Whether the key is one a store with this prefix writes itself: the prefix (possibly empty)
   * followed by a UUID or a stable key, nothing else. Stricter than {@link #allows}: what a sweep
   * of a store's own generated keys may reach ({@code tenant-a} never reaches {@code tenant-ab/x},
   * an empty prefix never another application's {@code billing/1}).
   */
  public static boolean written(String prefix, String key) {
    return key.startsWith(prefix) && WRITTEN.matcher(key.substring(prefix.length())).matches();
  }

  /** What a writer puts after a prefix: a UUID, or a stable key. */
  private static final Pattern WRITTEN =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
              + "|s-[0-9a-f]{1,128}");

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
