/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.extended;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqsx.extended.internal.PointerCodec;
import dev.sqsx.testing.AwsEndpoints;
import dev.sqsx.testing.AwsResources;
import dev.sqsx.testing.LocalAws;
import dev.sqsx.testing.faults.FaultInjector;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The synchronous client reads (and deletes) the payloads of one call side by side, the first on
 * the caller's thread, payloads over 1 MiB one at a time; with an executor that runs nothing, the
 * caller does it all, with the same result.
 */
@LocalAws
class ParallelPayloadsIT {

  /** Counts S3 calls by operation and thread, and the most in flight at once. */
  private static final class S3Calls implements ExecutionInterceptor {
    final Map<String, Set<String>> threads = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String operation = context.request().getClass().getSimpleName();
      threads
          .computeIfAbsent(operation, o -> ConcurrentHashMap.newKeySet())
          .add(Thread.currentThread().getName());
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      inFlight.decrementAndGet();
    }

    void reset() {
      threads.clear();
      mostInFlight.set(0);
    }
  }

  @Test
  void aReceiveOfTenOffloadedMessages_readsTheirPayloadsSideBySide_andDeletesThemSo(
      AwsEndpoints endpoints, SqsClient sqs, AwsResources aws) {
    S3Calls calls = new S3Calls();
    FaultInjector slow = FaultInjector.builder().latency(1.0, Duration.ofMillis(200)).build();
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    try (S3Client s3 =
        endpoints
            .configure(S3Client.builder(), endpoints.s3Endpoint())
            .forcePathStyle(true)
            .httpClientBuilder(slow.wrap(Apache5HttpClient.builder()))
            .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
            .build()) {
      S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
      SqsExtendedClient client =
          SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();
      for (int i = 0; i < 10; i++) {
        String body = Integer.toString(i).repeat(300_000);
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
      }
      assertThat(calls.mostInFlight).as("single sends store one at a time").hasValue(1);
      assertThat(calls.threads.get("PutObjectRequest"))
          .containsExactly(Thread.currentThread().getName());
      calls.reset();

      List<Message> received = receive(client, queueUrl, 10);

      assertThat(received).hasSize(10);
      assertThat(received)
          .extracting(m -> m.body().substring(0, 1))
          .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
      assertThat(received).allSatisfy(m -> assertThat(m.body()).hasSize(300_000));
      assertThat(calls.threads.get("GetObjectRequest"))
          .as("the caller's thread and the payload executor's")
          .contains(Thread.currentThread().getName())
          .anySatisfy(name -> assertThat(name).startsWith("sqsx-extended-payloads-"));
      assertThat(calls.mostInFlight.get()).as("reads at once").isGreaterThan(1);
      calls.reset();

      List<DeleteMessageBatchRequestEntry> entries = deletes(received);
      // at most 10 per batch: the receives may have returned them in several
      assertThat(client.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).successful())
          .hasSize(10);
      assertThat(calls.mostInFlight.get()).as("deletes at once").isGreaterThan(1);
      assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    }
  }

  @Test
  void payloadsOverOneMebibyte_areReadOneAtATimeOnTheCallersThread(
      AwsEndpoints endpoints, SqsClient sqs, AwsResources aws) {
    S3Calls calls = new S3Calls();
    String queueUrl = aws.createQueue();
    try (S3Client s3 =
        endpoints
            .configure(S3Client.builder(), endpoints.s3Endpoint())
            .forcePathStyle(true)
            .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
            .build()) {
      SqsExtendedClient client =
          SqsExtendedClient.builder()
              .sqsClient(sqs)
              .payloadStore(
                  S3PayloadStore.builder().s3Client(s3).bucket(aws.createBucket()).build())
              .build();
      for (int i = 0; i < 3; i++) {
        String body = Integer.toString(i).repeat(1_100_000);
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
      }
      calls.reset();

      List<Message> received = receive(client, queueUrl, 3);

      assertThat(received).hasSize(3).allSatisfy(m -> assertThat(m.body()).hasSize(1_100_000));
      assertThat(calls.threads.get("GetObjectRequest"))
          .containsExactly(Thread.currentThread().getName());
      assertThat(calls.mostInFlight).hasValue(1);
    }
  }

  /**
   * Counts the response bodies over 1 MiB that are being read at once — from their first byte read
   * until they are closed — and the bytes read from them. Each body's first read waits 100 ms (a
   * slow network), so reads that may overlap do.
   */
  private static final class LargeBodies implements SdkHttpClient {
    private final SdkHttpClient delegate = Apache5HttpClient.builder().build();
    final AtomicInteger reading = new AtomicInteger();
    final AtomicInteger mostReading = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      ExecutableHttpRequest real = delegate.prepareRequest(request);
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          HttpExecuteResponse response = real.call();
          long length =
              response
                  .httpResponse()
                  .firstMatchingHeader("Content-Length")
                  .map(Long::parseLong)
                  .orElse(-1L);
          if (length <= 1_048_576 || response.responseBody().isEmpty()) {
            return response;
          }
          AbortableInputStream body = response.responseBody().get();
          return HttpExecuteResponse.builder()
              .response(response.httpResponse())
              .responseBody(AbortableInputStream.create(new Counted(body), body))
              .build();
        }

        @Override
        public void abort() {
          real.abort();
        }
      };
    }

    @Override
    public String clientName() {
      return delegate.clientName();
    }

    @Override
    public void close() {
      delegate.close();
    }

    /** One large body: counted as being read from its first read until it is closed. */
    private final class Counted extends FilterInputStream {
      private boolean started;
      private boolean closed;

      Counted(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        started();
        int next = super.read();
        if (next >= 0) {
          bytes.incrementAndGet();
        }
        return next;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        started();
        int read = super.read(buffer, offset, length);
        if (read > 0) {
          bytes.addAndGet(read);
        }
        return read;
      }

      private void started() throws IOException {
        if (started) {
          return;
        }
        started = true;
        mostReading.accumulateAndGet(reading.incrementAndGet(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted in the slow network");
        }
      }

      @Override
      public void close() throws IOException {
        if (started && !closed) {
          reading.decrementAndGet();
        }
        closed = true;
        super.close();
      }
    }
  }

  /**
   * The lane is chosen from the object's own size, not from the marker the sender wrote: a marker
   * of 1 on objects over 1 MiB does not make them downloaded side by side.
   */
  @Test
  void objectsOverOneMebibyte_whoseMarkerSaysOneByte_areStillReadOneAtATime(
      AwsEndpoints endpoints, SqsClient sqs, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    int size = 1_200_000;
    try (LargeBodies bodies = new LargeBodies();
        S3Client s3 =
            endpoints
                .configure(S3Client.builder(), endpoints.s3Endpoint())
                .forcePathStyle(true)
                .httpClient(bodies)
                .build()) {
      S3PayloadStore store = S3PayloadStore.builder().s3Client(s3).bucket(bucket).build();
      for (int i = 0; i < 4; i++) {
        PayloadPointer pointer = store.store(Integer.toString(i).repeat(size));
        sqs.sendMessage(
            r ->
                r.queueUrl(queueUrl)
                    .messageBody(PointerCodec.write(pointer))
                    .messageAttributes(
                        Map.of(
                            "ExtendedPayloadSize",
                            MessageAttributeValue.builder()
                                .dataType("Number")
                                .stringValue("1")
                                .build())));
      }
      SqsExtendedClient client =
          SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store).build();

      List<Message> received = receive(client, queueUrl, 4);

      assertThat(received)
          .extracting(m -> m.body().substring(0, 1))
          .containsExactlyInAnyOrder("0", "1", "2", "3");
      assertThat(received).allSatisfy(m -> assertThat(m.body()).hasSize(size));
      assertThat(bodies.mostReading).as("large bodies read at once").hasValue(1);
      assertThat(bodies.bytes)
          .as("each large body read once: a read that finds it too large stops at its headers")
          .hasValue(4L * size);
    }
  }

  @Test
  void withAnExecutorThatRunsNothing_theCallerDoesItAll(
      SqsClient sqs, S3Client s3, AwsResources aws) {
    String queueUrl = aws.createQueue();
    String bucket = aws.createBucket();
    List<Runnable> neverRun = new ArrayList<>();
    SqsExtendedClient client =
        SqsExtendedClient.builder()
            .sqsClient(sqs)
            .payloadStore(S3PayloadStore.builder().s3Client(s3).bucket(bucket).build())
            .payloadExecutor(neverRun::add)
            .build();
    for (int i = 0; i < 5; i++) {
      String body = Integer.toString(i).repeat(300_000);
      client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    List<Message> received = new ArrayList<>();
    for (int attempt = 0; attempt < 20 && received.size() < 5; attempt++) {
      List<Message> batch = receive(client, queueUrl, 1);
      received.addAll(batch);
      if (!batch.isEmpty()) {
        client.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes(batch)));
      }
    }

    assertThat(received)
        .extracting(m -> m.body().substring(0, 1))
        .containsExactlyInAnyOrder("0", "1", "2", "3", "4");
    assertThat(neverRun).as("offered to the executor, then run by the caller").isNotEmpty();
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
  }

  /** Receives (10 at most per call) until at least {@code count} messages came, or 20 tries. */
  private static List<Message> receive(SqsExtendedClient client, String queueUrl, int count) {
    List<Message> received = new ArrayList<>();
    for (int attempt = 0; attempt < 20 && received.size() < count; attempt++) {
      received.addAll(
          client
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages());
    }
    return received;
  }

  private static List<DeleteMessageBatchRequestEntry> deletes(List<Message> messages) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (Message message : messages) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(entries.size()))
              .receiptHandle(message.receiptHandle())
              .build());
    }
    return entries;
  }
}
