/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The synchronous client used from inside its own call — by a {@link PayloadResolutionListener}
 * during a receive, or an {@link AttributeInjector} during a send — does its payload work and
 * returns: the nested call's payload operations are run by the nested call itself. Each call is
 * bounded, so a deadlock fails the test instead of hanging it.
 */
@LocalAws
class NestedUseIT {

  /** Far above what these calls take; only a call that never returns reaches it. */
  private static final Duration NO_PROGRESS = Duration.ofSeconds(20);

  private static final String LARGE = "n".repeat(300_000);

  @Test
  void aResolutionListenerThatSendsThroughTheSameClient_duringTheReceive_makesProgress(
      SqsClient sqs, S3Client s3, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    String auditQueueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    AtomicReference<SqsExtendedClient> self = new AtomicReference<>();
    List<String> nestedSends = new CopyOnWriteArrayList<>();
    SqsExtendedClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .resolutionListener(
                failure ->
                    nestedSends.add(
                        self.get()
                            .sendMessage(r -> r.queueUrl(auditQueueUrl).messageBody(LARGE))
                            .messageId()))
            .build();
    self.set(client);
    // a pointer to an object that is not there: its receive fails, and the listener is told
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(
                    PointerCodec.write(PayloadPointer.s3(bucket, "gone-" + UUID.randomUUID())))
                .messageAttributes(Map.of("ExtendedPayloadSize", number(LARGE.length()))));

    List<Message> received =
        within(
            NO_PROGRESS,
            () -> client.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages());

    assertThat(received).as("the unresolvable message is not handed out").isEmpty();
    assertThat(nestedSends).as("the listener's own send went through").hasSize(1);
    assertThat(receiveAll(client, auditQueueUrl, 1))
        .singleElement()
        .satisfies(m -> assertThat(m.body()).isEqualTo(LARGE));
  }

  @Test
  void anAttributeInjectorThatSendsThroughTheSameClient_duringTheSend_makesProgress(
      SqsClient sqs, S3Client s3, AwsResources aws) throws Exception {
    String queueUrl = aws.createQueue();
    String auditQueueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    AtomicReference<SqsExtendedClient> self = new AtomicReference<>();
    AtomicBoolean audited = new AtomicBoolean();
    AttributeInjector auditing =
        (target, present) -> {
          if (target.equals(queueUrl) && audited.compareAndSet(false, true)) {
            self.get().sendMessage(r -> r.queueUrl(auditQueueUrl).messageBody(LARGE));
          }
          return Map.of();
        };
    SqsExtendedClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .attributeInjector(auditing)
            .build();
    self.set(client);
    String body = "b".repeat(400_000);

    within(NO_PROGRESS, () -> client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body)));

    assertThat(receiveAll(client, queueUrl, 1))
        .singleElement()
        .satisfies(m -> assertThat(m.body()).isEqualTo(body));
    assertThat(receiveAll(client, auditQueueUrl, 1))
        .singleElement()
        .satisfies(m -> assertThat(m.body()).isEqualTo(LARGE));
  }

  /**
   * What {@code call} returns, run on a daemon thread of its own.
   *
   * @throws AssertionError when it has not returned within {@code bound} (it is left stuck)
   */
  private static <T> T within(Duration bound, Supplier<T> call) throws Exception {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "nested-use-caller");
              t.setDaemon(true);
              return t;
            });
    try {
      Future<T> result = thread.submit(call::get);
      try {
        return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "the call made no progress within " + bound + ": nested use deadlocked", e);
      } catch (ExecutionException e) {
        throw new AssertionError("the call failed", e.getCause());
      }
    } finally {
      thread.shutdownNow();
    }
  }

  /** Receives (10 at most per call) until at least {@code count} messages came, or 20 tries. */
  private static List<Message> receiveAll(SqsExtendedClient client, String queueUrl, int count) {
    List<Message> received = new ArrayList<>();
    for (int attempt = 0; attempt < 20 && received.size() < count; attempt++) {
      received.addAll(
          client
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages());
    }
    return received;
  }

  private static MessageAttributeValue number(long value) {
    return MessageAttributeValue.builder()
        .dataType("Number")
        .stringValue(Long.toString(value))
        .build();
  }
}
