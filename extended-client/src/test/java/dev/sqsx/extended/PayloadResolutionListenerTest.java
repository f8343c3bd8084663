/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

class PayloadResolutionListenerTest {

  @Test
  void attachTo_putsTheListenerOnTheRequest_andKeepsTheRestOfItsOverrideConfiguration() {
    PayloadResolutionListener listener = failure -> {};
    ReceiveMessageRequest request =
        ReceiveMessageRequest.builder()
            .queueUrl("https://sqs.example/q")
            .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(7)))
            .build();

    ReceiveMessageRequest attached = listener.attachTo(request);

    assertThat(attached.queueUrl()).isEqualTo("https://sqs.example/q");
    assertThat(attached.overrideConfiguration()).isPresent();
    assertThat(attached.overrideConfiguration().get().apiCallTimeout())
        .contains(Duration.ofSeconds(7));
    assertThat(
            attached
                .overrideConfiguration()
                .get()
                .executionAttributes()
                .getAttribute(Failures.RECEIVE_LISTENER))
        .isSameAs(listener);
    assertThat(
            request
                .overrideConfiguration()
                .get()
                .executionAttributes()
                .getAttribute(Failures.RECEIVE_LISTENER))
        .as("the request it was given is left as it was")
        .isNull();
  }

  @Test
  void listenersOf_aRequestWithoutOne_isTheClientsListenerAlone() {
    PayloadResolutionListener client = failure -> {};

    assertThat(
            Failures.listenersOf(
                client, ReceiveMessageRequest.builder().queueUrl("https://sqs.example/q").build()))
        .isSameAs(client);
  }

  @Test
  void listenersOf_aRequestWithOne_tellsTheClientsThenItsOwn_evenWhenTheClientsThrows() {
    List<String> told = new ArrayList<>();
    PayloadResolutionListener client =
        failure -> {
          told.add("client");
          throw new IllegalStateException("a broken listener");
        };
    PayloadResolutionListener own = failure -> told.add("own");
    ReceiveMessageRequest request =
        own.attachTo(ReceiveMessageRequest.builder().queueUrl("https://sqs.example/q").build());

    Failures.listenersOf(client, request)
        .onFailure(
            new PayloadResolutionFailure(
                "https://sqs.example/q",
                "m-1",
                "handle",
                new ExtendedClientException("cannot resolve payload"),
                false,
                Message.builder().messageId("m-1").build()));

    assertThat(told).containsExactly("client", "own");
  }
}
