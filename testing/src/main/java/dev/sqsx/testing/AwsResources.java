/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates uniquely named queues, buckets and tables for a test, and removes them all on {@link
 * #close()}.
 *
 * <p>Names are {@code <prefix>-<run id>-<n>[-<hint>]}: unique within a run and across runs, so
 * tests never share state and a real account is never polluted by a test that failed half-way.
 * Thread-safe. The clients passed in are not closed by this class.
 */
public final class AwsResources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsResources.class);
  private static final int S3_DELETE_BATCH = 1000;

  private final SqsClient sqs;
  private final S3Client s3;
  private final DynamoDbClient dynamoDb;
  private final Region region;
  private final String prefix;
  private final AtomicInteger counter = new AtomicInteger();
  private final Deque<String> queues = new ConcurrentLinkedDeque<>();
  private final Deque<String> buckets = new ConcurrentLinkedDeque<>();
  private final Deque<String> tables = new ConcurrentLinkedDeque<>();

  /**
   * Creates a resource helper over the given clients.
   *
   * @param prefix start of every name: lower-case letters, digits and '-', 1..20 characters
   */
  public AwsResources(
      SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb, Region region, String prefix) {
    this.sqs = Objects.requireNonNull(sqs, "sqs cannot be null");
    this.s3 = Objects.requireNonNull(s3, "s3 cannot be null");
    this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb cannot be null");
    this.region = Objects.requireNonNull(region, "region cannot be null");
    Objects.requireNonNull(prefix, "prefix cannot be null");
    if (!prefix.matches("[a-z0-9-]{1,20}")) {
      throw new IllegalArgumentException(
          "prefix must be 1..20 of [a-z0-9-] (it starts queue, bucket and table names), was '"
              + prefix
              + "'");
    }
    this.prefix =
        prefix
            + "-"
            + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
  }

  /**
   * A new unique name, usable for a queue, a bucket or a table.
   *
   * @param hint a readable suffix (lower-cased, cut to 16 characters, other characters become '-')
   */
  public String uniqueName(String hint) {
    String cleaned = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (cleaned.length() > 16) {
      cleaned = cleaned.substring(0, 16);
    }
    String name = prefix + "-" + counter.incrementAndGet();
    return cleaned.isEmpty() ? name : name + "-" + cleaned;
  }

  /** Creates a standard queue and returns its URL. */
  public String createQueue() {
    return createQueue("queue", Map.of());
  }

  /** Creates a standard queue with the given attributes and returns its URL. */
  public String createQueue(String hint, Map<QueueAttributeName, String> attributes) {
    return create(uniqueName(hint), attributes);
  }

  /** Creates a FIFO queue without content-based deduplication and returns its URL. */
  public String createFifoQueue() {
    return createFifoQueue(false);
  }

  /** Creates a FIFO queue and returns its URL. */
  public String createFifoQueue(boolean contentBasedDeduplication) {
    Map<QueueAttributeName, String> attributes = new EnumMap<>(QueueAttributeName.class);
    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    attributes.put(
        QueueAttributeName.CONTENT_BASED_DEDUPLICATION,
        Boolean.toString(contentBasedDeduplication));
    return create(uniqueName("fifo") + ".fifo", attributes);
  }

  /**
   * Creates a standard queue whose redrive policy moves a message to a new dead-letter queue after
   * {@code maxReceiveCount} receives.
   *
   * @param visibilityTimeout the source queue's visibility timeout, whole seconds 0..43,200 (keep
   *     it at 1–2 s in tests that wait for redelivery)
   */
  public QueueWithDlq createQueueWithDlq(int maxReceiveCount, Duration visibilityTimeout) {
    return createWithDlq(false, maxReceiveCount, visibilityTimeout);
  }

  /** Like {@link #createQueueWithDlq}, for a FIFO queue (and FIFO dead-letter queue). */
  public QueueWithDlq createFifoQueueWithDlq(int maxReceiveCount, Duration visibilityTimeout) {
    return createWithDlq(true, maxReceiveCount, visibilityTimeout);
  }

  private QueueWithDlq createWithDlq(boolean fifo, int maxReceiveCount, Duration visibility) {
    if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new IllegalArgumentException(
          "maxReceiveCount must be 1..1000 (SQS redrive policy limit), was " + maxReceiveCount);
    }
    long visibilitySeconds = visibility.getSeconds();
    if (visibility.isNegative() || visibilitySeconds > 43_200 || visibility.getNano() != 0) {
      throw new IllegalArgumentException(
          "visibilityTimeout must be whole seconds 0..43200 (SQS limit), was " + visibility);
    }
    String base = uniqueName("src");
    String suffix = fifo ? ".fifo" : "";
    Map<QueueAttributeName, String> fifoAttributes = new EnumMap<>(QueueAttributeName.class);
    if (fifo) {
      fifoAttributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    }
    String dlqUrl = create(base + "-dlq" + suffix, fifoAttributes);
    String dlqArn = queueArn(dlqUrl);
    Map<QueueAttributeName, String> attributes = new EnumMap<>(fifoAttributes);
    attributes.put(
        QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":\""
            + maxReceiveCount
            + "\",\"deadLetterTargetArn\":\""
            + dlqArn
            + "\"}");
    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilitySeconds));
    String queueUrl = create(base + suffix, attributes);
    return new QueueWithDlq(queueUrl, queueArn(queueUrl), dlqUrl, dlqArn, maxReceiveCount);
  }

  /** The ARN of a queue, read from its {@code QueueArn} attribute. */
  public String queueArn(String queueUrl) {
    return sqs.getQueueAttributes(
            request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  /**
   * Messages still in a queue, as SQS approximates them: visible, in flight and delayed together (0
   * once every message was deleted or moved to a DLQ).
   */
  public int messagesIn(String queueUrl) {
    return sqs
        .getQueueAttributes(
            request ->
                request
                    .queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        .attributes()
        .values()
        .stream()
        .mapToInt(Integer::parseInt)
        .sum();
  }

  private String create(String name, Map<QueueAttributeName, String> attributes) {
    String url =
        sqs.createQueue(request -> request.queueName(name).attributes(attributes)).queueUrl();
    queues.push(url);
    return url;
  }

  /** Creates a bucket and returns its name. */
  public String createBucket() {
    String bucket = uniqueName("bucket");
    s3.createBucket(
        request -> {
          request.bucket(bucket);
          if (!Region.US_EAST_1.equals(region)) {
            request.createBucketConfiguration(c -> c.locationConstraint(region.id()));
          }
        });
    buckets.push(bucket);
    return bucket;
  }

  /** Creates an on-demand table with a string partition key and returns its name. */
  public String createTable(String partitionKey) {
    return createTable(
        table ->
            table
                .attributeDefinitions(attribute(partitionKey))
                .keySchema(key(partitionKey, KeyType.HASH)));
  }

  /** Creates an on-demand table with string partition and sort keys and returns its name. */
  public String createTable(String partitionKey, String sortKey) {
    return createTable(
        table ->
            table
                .attributeDefinitions(attribute(partitionKey), attribute(sortKey))
                .keySchema(key(partitionKey, KeyType.HASH), key(sortKey, KeyType.RANGE)));
  }

  /**
   * Creates a table described by {@code definition} (name and on-demand billing are preset; the
   * definition may change the billing mode) and waits until it is active. Returns its name.
   */
  public String createTable(Consumer<CreateTableRequest.Builder> definition) {
    String table = uniqueName("table");
    CreateTableRequest.Builder request =
        CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST);
    definition.accept(request);
    dynamoDb.createTable(request.tableName(table).build());
    tables.push(table);
    // The SDK's default waiter polls every 20 s; a table is usually active much sooner.
    dynamoDb
        .waiter()
        .waitUntilTableExists(
            r -> r.tableName(table),
            w ->
                w.backoffStrategyV2(
                        BackoffStrategy.exponentialDelayWithoutJitter(
                            Duration.ofMillis(50), Duration.ofSeconds(5)))
                    .maxAttempts(100)
                    .waitTimeout(Duration.ofMinutes(5)));
    return table;
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  /**
   * Deletes every queue, bucket (with its objects) and table this helper created, newest first. One
   * a test already deleted is skipped. Every resource is attempted; the first failure is thrown
   * with the others suppressed.
   */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    drain(queues, url -> sqs.deleteQueue(r -> r.queueUrl(url)), failures);
    drain(buckets, this::deleteBucket, failures);
    drain(tables, table -> dynamoDb.deleteTable(r -> r.tableName(table)), failures);
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void drain(
      Deque<String> names, Consumer<String> delete, List<RuntimeException> failures) {
    String name;
    while ((name = names.poll()) != null) {
      try {
        delete.accept(name);
      } catch (QueueDoesNotExistException | NoSuchBucketException | ResourceNotFoundException e) {
        LOG.debug("test resource {} was already gone", name);
      } catch (RuntimeException e) {
        LOG.warn("cannot remove test resource {}: {}", name, e.toString());
        failures.add(e);
      }
    }
  }

  private void deleteBucket(String bucket) {
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page =
          s3.listObjectsV2(r -> r.bucket(bucket).continuationToken(continuation));
      List<ObjectIdentifier> keys = new ArrayList<>();
      for (S3Object object : page.contents()) {
        keys.add(ObjectIdentifier.builder().key(object.key()).build());
      }
      for (int from = 0; from < keys.size(); from += S3_DELETE_BATCH) {
        List<ObjectIdentifier> batch =
            keys.subList(from, Math.min(keys.size(), from + S3_DELETE_BATCH));
        s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
      }
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    s3.deleteBucket(r -> r.bucket(bucket));
  }
}
