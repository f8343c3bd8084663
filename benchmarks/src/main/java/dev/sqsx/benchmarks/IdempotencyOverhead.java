/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.benchmarks;

import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import dev.sqsx.testing.AwsEndpoints;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the idempotency wrapper costs: the same sqsx consumer with and without it (DynamoDB store),
 * on unique messages and on a queue where every order arrives twice.
 */
final class IdempotencyOverhead {

  static final String NAME = "idempotency";
  private static final int CONCURRENCY = 16;

  private final Options options;
  private final AwsEndpoints endpoints;
  private final Queues queues;

  IdempotencyOverhead(Options options, AwsEndpoints endpoints, Queues queues) {
    this.options = options;
    this.endpoints = endpoints;
    this.queues = queues;
  }

  int messages() {
    return options.quick() ? 500 : 2_000;
  }

  void run(Results results, PrintStream out) throws Exception {
    measure("plain", false, false, 200); // warm-up, discarded
    measure("idempotent", true, false, 200);
    for (int rep = 1; rep <= options.repetitions(); rep++) {
      for (String[] cell :
          new String[][] {{"plain", "unique"}, {"idempotent", "unique"}, {"idempotent", "twice"}}) {
        boolean idempotent = cell[0].equals("idempotent");
        boolean twice = cell[1].equals("twice");
        Map<String, Double> figures = measure(cell[0], idempotent, twice, messages());
        results.add(NAME, cell[0], "orders=" + cell[1], figures);
        out.printf(
            "  idempotency %-10s %-6s rep %d: %,6.0f msg/s  %.2f DynamoDB requests/msg%n",
            cell[0],
            cell[1],
            rep,
            figures.get("messages_per_second"),
            figures.get("dynamodb_requests_per_message"));
      }
    }
  }

  private Map<String, Double> measure(String name, boolean idempotent, boolean twice, int messages)
      throws Exception {
    String queueUrl = queues.create();
    String table = "bench-idempotency-" + UUID.randomUUID();
    RequestCounter dynamoRequests = new RequestCounter();
    try (DynamoDbClient dynamoDb = Clients.dynamoDb(endpoints, dynamoRequests)) {
      if (idempotent) {
        DynamoDbIdempotencyStore.createTable(dynamoDb, table);
      }
      try {
        if (twice) {
          queues.preload(queueUrl, messages / 2);
          queues.preload(queueUrl, messages / 2);
        } else {
          queues.preload(queueUrl, messages);
        }
        long before = dynamoRequests.total();
        SqsxContender contender =
            new SqsxContender(
                name,
                handler ->
                    idempotent
                        ? IdempotentHandler.builder()
                            .store(DynamoDbIdempotencyStore.create(dynamoDb, table))
                            .namespace("bench")
                            .key(IdempotencyKey.jsonField("/orderId"))
                            .handler(handler)
                            .build()
                        : handler);
        Contender.Run run =
            contender.consume(endpoints, queueUrl, messages, CONCURRENCY, Duration.ZERO);
        long dynamo = dynamoRequests.total() - before;
        int unique = twice ? messages / 2 : messages;
        int duplicates = messages - unique;
        return Map.of(
            "messages_per_second",
            messages / run.seconds(),
            "dynamodb_requests_per_message",
            dynamo / (double) messages,
            "dynamodb_requests_per_duplicate",
            duplicates == 0 ? Double.NaN : (dynamo - 2.0 * unique) / duplicates,
            "sqs_requests_per_message",
            run.requests() / (double) messages);
      } finally {
        if (idempotent) {
          dynamoDb.deleteTable(r -> r.tableName(table));
        }
      }
    } finally {
      queues.delete(queueUrl);
    }
  }

  String markdown(Results results) {
    double plain = results.median(NAME, "plain", "orders=unique", "messages_per_second");
    double wrapped = results.median(NAME, "idempotent", "orders=unique", "messages_per_second");
    double twice = results.median(NAME, "idempotent", "orders=twice", "messages_per_second");
    return "## Idempotency overhead\n\n"
        + "sqsx consumer, concurrency "
        + CONCURRENCY
        + ", 0 ms handler, "
        + messages()
        + " messages; the wrapper claims and completes each key in DynamoDB (dynalite, a Node.js"
        + " child of the endpoints' JVM; it returns no item with a refused claim, so each"
        + " duplicate also costs a read: 2 requests where DynamoDB needs 1). \"twice\": every"
        + " order is in the queue two times. Median of the repetitions.\n\n"
        + "| handler | orders | msg/s | ÷ plain | DynamoDB req/msg | DynamoDB req/duplicate |"
        + " SQS req/msg |\n"
        + "|---|---|---|---|---|---|---|\n"
        + row(results, "plain", "unique", plain, plain)
        + row(results, "idempotent", "unique", wrapped, plain)
        + row(results, "idempotent", "twice", twice, plain);
  }

  private static String row(
      Results results, String handler, String orders, double rate, double plain) {
    String params = "orders=" + orders;
    return "| "
        + handler
        + " | "
        + orders
        + " | "
        + Results.format(rate)
        + " | "
        + Results.ratio(rate, plain)
        + " | "
        + Results.format(results.median(NAME, handler, params, "dynamodb_requests_per_message"))
        + " | "
        + Results.format(results.median(NAME, handler, params, "dynamodb_requests_per_duplicate"))
        + " | "
        + Results.format(results.median(NAME, handler, params, "sqs_requests_per_message"))
        + " |\n";
  }
}
