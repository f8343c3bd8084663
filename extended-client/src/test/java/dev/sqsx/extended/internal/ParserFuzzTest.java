/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.MalformedPointerException;
import dev.sqsx.extended.PayloadPointer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input for the parsers of what arrives from the wire (pointer bodies, receipt
 * handles): each either parses or fails with the library's own exception, never with anything else.
 * Seeded, so a failure reproduces.
 */
class ParserFuzzTest {

  private static final String ALPHABET = "[]{}\",:\\/ %.-_0123456789abcdefkSs\u00e9\u2028\n\t";
  private static final String VALID_S3 = PointerCodec.write(PayloadPointer.s3("bucket", "key-1"));
  private static final String VALID_DYNAMODB =
      PointerCodec.write(PayloadPointer.dynamoDb("table", "key-2"));
  private static final int CASES = 200_000;

  @Test
  void pointerBodies_parseOrFailAsMalformed_only() {
    SplittableRandom random = new SplittableRandom(20261129);
    List<String> escaped = new ArrayList<>();
    int parsed = 0;
    for (int i = 0; i < CASES; i++) {
      String body =
          i % 2 == 0
              ? randomText(random, 40)
              : mutate(random, i % 4 == 1 ? VALID_S3 : VALID_DYNAMODB);
      try {
        PointerCodec.read(body);
        parsed++;
      } catch (MalformedPointerException expected) {
        // the one failure allowed
      } catch (RuntimeException e) {
        if (escaped.size() < 5) {
          escaped.add(e + " for " + quoted(body));
        }
      }
    }
    assertThat(escaped).as("exceptions other than MalformedPointerException").isEmpty();
    assertThat(parsed).as("some mutations are still pointers").isPositive();
  }

  @Test
  void receiptHandles_parseOrFailAsMalformed_only() {
    SplittableRandom random = new SplittableRandom(7);
    String valid = ReceiptHandles.embed(PayloadPointer.s3("b", "k"), "AQEB-original==");
    String[] markers = {
      ReceiptHandles.S3_BUCKET_MARKER,
      ReceiptHandles.S3_KEY_MARKER,
      ReceiptHandles.DYNAMODB_TABLE_MARKER,
      ReceiptHandles.DYNAMODB_KEY_MARKER
    };
    List<String> escaped = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      String handle;
      if (i % 3 == 0) {
        handle = mutate(random, valid);
      } else {
        StringBuilder built = new StringBuilder();
        int parts = random.nextInt(6);
        for (int p = 0; p < parts; p++) {
          built.append(
              random.nextBoolean()
                  ? markers[random.nextInt(markers.length)]
                  : randomText(random, 6));
        }
        handle = built.toString();
      }
      try {
        ReceiptHandles.Parsed result = ReceiptHandles.parse(handle);
        assertThat(result.original()).isNotNull();
      } catch (MalformedPointerException expected) {
        // the one failure allowed
      } catch (RuntimeException e) {
        if (escaped.size() < 5) {
          escaped.add(e + " for " + quoted(handle));
        }
      }
    }
    assertThat(escaped).as("exceptions other than MalformedPointerException").isEmpty();
  }

  private static String randomText(SplittableRandom random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  /** The text with a few characters replaced, inserted or removed. */
  private static String mutate(SplittableRandom random, String text) {
    StringBuilder mutated = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && mutated.length() > 0; e++) {
      int at = random.nextInt(mutated.length());
      char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      switch (random.nextInt(3)) {
        case 0 -> mutated.setCharAt(at, c);
        case 1 -> mutated.insert(at, c);
        default -> mutated.deleteCharAt(at);
      }
    }
    return mutated.toString();
  }

  private static String quoted(String text) {
    return "'" + text.replace("\n", "\\n") + "'";
  }
}
