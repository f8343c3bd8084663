package dev.sqsx.benchmarks;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.testing.AwsEndpoints;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** sqsx's {@link SqsConsumer} with its defaults, optionally with a wrapped handler. */
final class SqsxContender implements Contender {

  private final String name;
  private final Function<MessageHandler, MessageHandler> wrap;

  SqsxContender() {
    this("sqsx", handler -> handler);
  }

  SqsxContender(String name, Function<MessageHandler, MessageHandler> wrap) {
    this.name = name;
    this.wrap = wrap;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Run consume(
      AwsEndpoints endpoints, String queueUrl, int messages, int concurrency, Duration work)
      throws InterruptedException {
    RequestCounter requests = new RequestCounter();
    CountDownLatch handled = new CountDownLatch(messages);
    double seconds;
    MessageHandler wrapped = wrap.apply(message -> Contender.work(work));
    try (SqsAsyncClient sqs = Clients.sqsAsync(endpoints, requests)) {
      long started = System.nanoTime();
      try (SqsConsumer consumer =
          SqsConsumer.builder()
              .sqsClient(sqs)
              .queueUrl(queueUrl)
              .concurrency(concurrency)
              .handler(
                  message -> {
                    wrapped.handle(message);
                    handled.countDown();
                  })
              .build()) {
        consumer.start();
        seconds = Contender.secondsUntilHandled(handled, started, name);
      }
    }
    return new Run(seconds, requests.total(), requests.byOperation());
  }
}
