/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.requests;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a responder checks of a request's reply-to before it sends anything there. A request is
 * input from whoever may send to the queue, so its reply-to is never followed blindly: it must be
 * an SQS queue URL ({@code http(s)://host[:port]/<account>/<queue name>}, no user info, query or
 * fragment), and by default one on the request queue's own endpoint and account.
 */
final class ReplyTargets {

  private static final Pattern PATH =
      Pattern.compile("/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,75}\\.fifo|[A-Za-z0-9_-]{1,80})");
  private static final int SHOWN = 256;

  private ReplyTargets() {}

  /** The parts of a queue URL that decide where a message goes. */
  record QueueAddress(String scheme, String host, int port, String account) {}

  /** The address of an SQS queue URL, or null when {@code url} is not one. */
  static QueueAddress parse(String url) {
    if (url == null || url.length() > 2048) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawPath() == null) {
      return null;
    }
    var path = PATH.matcher(uri.getRawPath());
    if (!path.matches()) {
      return null;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return new QueueAddress(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, path.group(1));
  }

  /**
   * Whether {@code target} is a queue on the endpoint (scheme, host, port) and account of {@code
   * requestQueue}.
   */
  static boolean sameEndpointAndAccount(String requestQueue, String target) {
    QueueAddress from = parse(requestQueue);
    QueueAddress to = parse(target);
    return from != null && from.equals(to);
  }

  /**
   * Attacker-controlled text made safe for a log line or an error attribute: at most 256
   * characters, control characters replaced.
   */
  static String shown(String text) {
    StringBuilder shown = new StringBuilder(Math.min(text.length(), SHOWN) + 3);
    for (int i = 0; i < text.length() && i < SHOWN; i++) {
      char c = text.charAt(i);
      shown.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > SHOWN) {
      shown.append("...");
    }
    return shown.toString();
  }
}
