/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.examples;

import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.requests.Reply;
import dev.sqsx.requests.ReplyMessage;
import dev.sqsx.requests.ReplyQueueSweeper;
import dev.sqsx.requests.RequesterStats;
import dev.sqsx.requests.SqsRequester;
import dev.sqsx.requests.SqsResponder;
import dev.sqsx.testing.EmbeddedAws;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Request–response over SQS on the embedded endpoints: a "quotes" service answers through {@code
 * SqsResponder} under an {@code SqsConsumer}, a client asks through {@code SqsRequester} — many
 * small requests at once, then one of 2 MB that travels through S3 both ways.
 *
 * <p>{@code ./mvnw -q -DskipTests -pl examples -am package exec:java
 * -Ddemo.main=dev.sqsx.examples.RequestResponseDemo -Dexec.args="--requests 1000 --concurrency 32"}
 */
public final class RequestResponseDemo {

  static final String USAGE =
      "options: --requests N (default 1000), --concurrency N (default 32), --help";

  private RequestResponseDemo() {}

  /** Runs the demo; exits 0 when every request got its own reply and no reply queue is left. */
  public static void main(String[] args) {
    int code = run(args, System.out);
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args, PrintStream out) {
    int requests = 1000;
    int concurrency = 32;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--requests" -> requests = Integer.parseInt(args[++i]);
          case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
          case "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (RuntimeException e) {
      out.println("error: " + e.getMessage());
      out.println(USAGE);
      return 2;
    }
    out.println("starting embedded SQS (ElasticMQ), S3 (S3Proxy) and DynamoDB (dynalite)...");
    try (EmbeddedAws aws = EmbeddedAws.start();
        SqsAsyncClient sqs = aws.endpoints().newSqsAsyncClient();
        S3AsyncClient s3 = aws.endpoints().newS3AsyncClient()) {
      return demo(sqs, s3, requests, concurrency, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("demo interrupted");
      return 1;
    } catch (RuntimeException e) {
      out.println("demo failed: " + e);
      return 1;
    }
  }

  private static int demo(
      SqsAsyncClient plain, S3AsyncClient s3, int requests, int concurrency, PrintStream out)
      throws InterruptedException {
    s3.createBucket(r -> r.bucket("quotes-payloads")).join();
    SqsExtendedAsyncClient sqs =
        SqsExtendedAsyncClient.builder()
            .sqsClient(plain)
            .payloadStore(
                S3PayloadStore.builder().s3AsyncClient(s3).bucket("quotes-payloads").build())
            .build();
    String quotes = plain.createQueue(r -> r.queueName("quotes")).join().queueUrl();
    SqsResponder responder =
        SqsResponder.builder()
            .sqsClient(sqs)
            .handler(request -> ReplyMessage.of("quote for " + request.body()))
            .build();
    AtomicInteger wrong = new AtomicInteger();
    RequesterStats stats;
    long started = System.nanoTime();
    try (SqsConsumer service =
            SqsConsumer.builder()
                .sqsClient(sqs)
                .queueUrl(quotes)
                .concurrency(16)
                .waitTime(Duration.ofSeconds(1))
                .asyncHandler(responder)
                .build();
        SqsRequester client =
            SqsRequester.builder()
                .sqsClient(sqs)
                .defaultTimeout(Duration.ofSeconds(30))
                .waitTime(Duration.ofSeconds(2))
                .build()) {
      service.start();
      client.start();
      out.printf("reply queue %s%n", client.replyQueueUrl());
      Semaphore inFlight = new Semaphore(concurrency);
      for (int i = 0; i < requests; i++) {
        inFlight.acquire();
        String sku = "sku-" + i;
        var unused =
            client
                .request(quotes, sku)
                .whenComplete(
                    (reply, error) -> {
                      if (error != null || !reply.body().equals("quote for " + sku)) {
                        wrong.incrementAndGet();
                      }
                      inFlight.release();
                    });
      }
      if (!inFlight.tryAcquire(concurrency, 5, TimeUnit.MINUTES)) {
        out.println("requests still pending after 5 minutes");
        return 1;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "%,d requests at concurrency %d: %,d wrong or failed, %.0f round trips/s%n",
          requests, concurrency, wrong.get(), requests / seconds);
      String large = "x".repeat(2 * 1024 * 1024);
      Reply reply = client.request(quotes, large).join();
      boolean largeOk = reply.body().equals("quote for " + large);
      out.printf("a 2 MB request and its reply through S3: %s%n", largeOk ? "ok" : "WRONG REPLY");
      if (!largeOk) {
        wrong.incrementAndGet();
      }
      stats = client.stats();
    }
    int left =
        plain
            .listQueues(r -> r.queueNamePrefix(ReplyQueueSweeper.DEFAULT_PREFIX))
            .join()
            .queueUrls()
            .size();
    out.printf(
        "requester: %,d replies, %,d timeouts, %,d late, %,d duplicate; %d reply queues left%n",
        stats.replies(), stats.timeouts(), stats.lateReplies(), stats.duplicateReplies(), left);
    return wrong.get() == 0 && left == 0 ? 0 : 1;
  }
}
