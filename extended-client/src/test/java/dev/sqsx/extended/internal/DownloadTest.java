/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DownloadTest {

  private static final byte[] BYTES = new byte[1_000_000];

  static {
    new Random(7).nextBytes(BYTES);
  }

  private static Download download(Long declared, long limit) {
    return new Download(declared, limit, size -> new IllegalArgumentException("over: " + size));
  }

  @Test
  void aDeclaredLength_fillsOneArrayOfThatLength_fromAStreamOrFromBuffers() throws Exception {
    Download fromStream = download((long) BYTES.length, 2_000_000);
    fromStream.readAll(new ByteArrayInputStream(BYTES));
    Download fromBuffers = download((long) BYTES.length, 2_000_000);
    for (int offset = 0; offset < BYTES.length; offset += 8_192) {
      fromBuffers.append(
          ByteBuffer.wrap(BYTES, offset, Math.min(8_192, BYTES.length - offset)).slice());
    }

    for (Download download : new Download[] {fromStream, fromBuffers}) {
      Download.Downloaded done = download.finish();
      assertThat(done.bytes()).isEqualTo(BYTES);
      assertThat(done.sha256Is(Digests.sha256Hex(BYTES))).isTrue();
      assertThat(done.sha256Is(Digests.sha256Hex(BYTES).toUpperCase(Locale.ROOT))).isTrue();
      assertThat(done.sha256Is(Digests.sha256Hex("something else"))).isFalse();
    }
  }

  @Test
  void anUnknownLength_growsUpToTheLimit_andNoFurther() throws Exception {
    Download unknown = download(null, BYTES.length);
    unknown.readAll(new ByteArrayInputStream(BYTES));
    assertThat(unknown.finish().bytes()).isEqualTo(BYTES);

    Download small = download(null, 1_000);
    small.readAll(new ByteArrayInputStream(new byte[10]));
    assertThat(small.finish().bytes()).hasSize(10);

    Download over = download(null, BYTES.length - 1);
    assertThatThrownBy(() -> over.readAll(new ByteArrayInputStream(BYTES)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("over: ");
    Download overByBuffers = download(null, 100);
    overByBuffers.append(ByteBuffer.wrap(new byte[100]));
    assertThatThrownBy(() -> overByBuffers.append(ByteBuffer.wrap(new byte[1])))
        .hasMessage("over: 101");
  }

  @Test
  void aDeclaredLengthOverTheLimit_isRefusedBeforeAnythingIsRead() {
    assertThatThrownBy(() -> download(3_000_000L, 2_000_000)).hasMessage("over: 3000000");
  }

  @Test
  void aBodyShorterOrLongerThanDeclared_fails() throws Exception {
    Download shorter = download(10L, 100);
    shorter.readAll(new ByteArrayInputStream(new byte[9]));
    assertThatThrownBy(shorter::finish)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the object ended after 9 of its 10 declared bytes");

    Download longer = download(10L, 100);
    InputStream eleven = new ByteArrayInputStream(new byte[11]);
    assertThatThrownBy(() -> longer.readAll(eleven))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the object is longer than its 10 declared bytes");
    Download longerByBuffers = download(10L, 100);
    assertThatThrownBy(() -> longerByBuffers.append(ByteBuffer.wrap(new byte[11])))
        .hasMessage("the object is longer than its 10 declared bytes");
  }

  @Test
  void anEmptyObject_isAnEmptyArray() throws Exception {
    Download empty = download(0L, 100);
    empty.readAll(new ByteArrayInputStream(new byte[0]));
    Download.Downloaded done = empty.finish();
    assertThat(done.bytes()).isEmpty();
    assertThat(done.sha256Is(Digests.sha256Hex(new byte[0]))).isTrue();
  }
}
