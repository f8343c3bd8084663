/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sqsx.testing.internal.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * SNS for tests, on loopback: topics, SQS subscriptions (raw message delivery on or off) and {@code
 * Publish} / {@code PublishBatch}, delivered into real SQS queues (the embedded ElasticMQ) the way
 * SNS delivers them. There is no open-source SNS emulator among the embedded endpoints; this one
 * speaks SNS's query protocol for those four actions and for the topic attribute {@code
 * MaximumMessageSize} ({@code CreateTopic} attributes, {@code GetTopicAttributes}, {@code
 * SetTopicAttributes}), well enough for the AWS SDK's {@code SnsClient} (point it at {@link
 * #endpoint()}), and answers any other action with SNS's {@code InvalidAction} error.
 *
 * <p>What SNS does and this does too: a publish of more than the topic's {@code MaximumMessageSize}
 * (1,024..1,048,576, default 262,144; message plus attributes) is refused ({@code
 * InvalidParameter}, "Message too long"), as is a batch of more than 10 entries or of more than
 * that limit in total; a {@code Number} message attribute whose value is not a number is refused
 * ({@code ParameterValueInvalid}) — in a batch that entry alone, reported under {@code Failed}
 * while the others are published; without raw delivery each queue gets SNS's JSON envelope ({@code
 * Type} {@code Notification}, {@code MessageId}, {@code TopicArn}, {@code Subject} when set, {@code
 * Message}, {@code Timestamp}, {@code SignatureVersion}, {@code Signature}, {@code SigningCertURL},
 * {@code UnsubscribeURL}, and {@code MessageAttributes} as {@code {"Type", "Value"}}, binary values
 * in base64); with raw delivery the message goes as it was published, its attributes as SQS message
 * attributes; a {@code MessageGroupId} published (single or batch) reaches each subscribed queue's
 * message as its group, as SNS does for standard topics and SQS fair queues. What it does not: the
 * signature is not a real one (nothing here holds SNS's key) and no other protocol, filter policy
 * or FIFO topic is served. Every accepted publication is kept for assertions ({@link
 * #publications()}).
 */
public final class LocalSns implements AutoCloseable {

  /**
   * SNS's default limit for one message, attributes included, and for a whole batch: a topic's
   * {@code MaximumMessageSize} unless set otherwise.
   */
  public static final int MAX_MESSAGE_BYTES = 262_144;

  private static final Logger LOG = LoggerFactory.getLogger(LocalSns.class);
  private static final String ACCOUNT = "000000000000";

  /** One message as a publisher sent it. */
  public record Publication(
      String topicArn,
      String messageId,
      String subject,
      String message,
      Map<String, MessageAttributeValue> messageAttributes) {}

  private record Subscription(String arn, String queueUrl, boolean raw) {}

  private final SqsClient sqs;
  private final String region;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, List<Subscription>> topics = new ConcurrentHashMap<>();
  private final List<Publication> publications = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> maximumMessageSizes = new ConcurrentHashMap<>();

  private LocalSns(SqsClient sqs, String region) throws IOException {
    this.sqs = sqs;
    this.region = region;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newFixedThreadPool(4, runnable -> daemon(runnable));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts an SNS endpoint on a free loopback port that delivers through {@code sqs} (which this
   * endpoint never closes).
   *
   * @param region the region in topic ARNs (the SDK client's region)
   */
  public static LocalSns start(SqsClient sqs, String region) {
    try {
      return new LocalSns(Objects.requireNonNull(sqs, "sqs"), region);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the local SNS endpoint", e);
    }
  }

  /** Where an {@code SnsClient} sends its requests. */
  public URI endpoint() {
    return URI.create(
        "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  /** Creates a topic (or returns the existing one's ARN). */
  public String createTopic(String name) {
    String arn = "arn:aws:sns:" + region + ":" + ACCOUNT + ":" + name;
    topics.computeIfAbsent(arn, a -> new CopyOnWriteArrayList<>());
    return arn;
  }

  /**
   * Sets a topic's {@code MaximumMessageSize} (what {@code SetTopicAttributes} does): 1,024 ..
   * 1,048,576 bytes.
   */
  public void maximumMessageSize(String topicArn, int bytes) {
    if (!topics.containsKey(topicArn)) {
      throw new IllegalArgumentException("no such topic: " + topicArn);
    }
    if (bytes < 1_024 || bytes > 1_048_576) {
      throw new IllegalArgumentException(
          "MaximumMessageSize must be 1024..1048576 (SNS's range), was " + bytes);
    }
    maximumMessageSizes.put(topicArn, bytes);
  }

  /** A topic's {@code MaximumMessageSize}: 262,144 unless set. */
  public int maximumMessageSize(String topicArn) {
    return maximumMessageSizes.getOrDefault(topicArn, MAX_MESSAGE_BYTES);
  }

  /**
   * Subscribes a queue to a topic.
   *
   * @param queue the queue's URL or ARN
   * @param rawMessageDelivery true: the message as published; false: SNS's JSON envelope
   * @return the subscription ARN
   */
  public String subscribe(String topicArn, String queue, boolean rawMessageDelivery) {
    List<Subscription> subscriptions = topics.get(topicArn);
    if (subscriptions == null) {
      throw new IllegalArgumentException("no such topic: " + topicArn);
    }
    String queueUrl =
        queue.startsWith("arn:")
            ? sqs.getQueueUrl(r -> r.queueName(queue.substring(queue.lastIndexOf(':') + 1)))
                .queueUrl()
            : queue;
    String arn = topicArn + ":" + UUID.randomUUID();
    subscriptions.add(new Subscription(arn, queueUrl, rawMessageDelivery));
    return arn;
  }

  /** Every message accepted so far, in order. */
  public List<Publication> publications() {
    return List.copyOf(publications);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> params = SnsQuery.form(exchange);
      String action = params.getOrDefault("Action", "");
      try {
        String result =
            switch (action) {
              case "CreateTopic" -> createTopic(params);
              case "GetTopicAttributes" -> topicAttributes(params);
              case "SetTopicAttributes" -> setTopicAttribute(params);
              case "Subscribe" -> subscribe(params);
              case "Publish" -> publish(params);
              case "PublishBatch" -> publishBatch(params);
              default ->
                  throw new SnsError(
                      400, "InvalidAction", "action " + action + " is not served by LocalSns");
            };
        SnsQuery.respond(exchange, 200, result);
      } catch (SnsError e) {
        SnsQuery.respond(exchange, e.status, SnsQuery.error(e.code, e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn("LocalSns failed on {}: {}", action, e.toString());
        SnsQuery.respond(exchange, 500, SnsQuery.error("InternalError", e.toString()));
      }
    }
  }

  private String createTopic(Map<String, String> params) {
    String arn = createTopic(params.get("Name"));
    for (int i = 1; params.containsKey("Attributes.entry." + i + ".key"); i++) {
      setTopicAttribute(
          arn,
          params.get("Attributes.entry." + i + ".key"),
          params.get("Attributes.entry." + i + ".value"));
    }
    return SnsQuery.result("CreateTopic", "<TopicArn>" + arn + "</TopicArn>");
  }

  private String topicAttributes(Map<String, String> params) {
    String topicArn = existingTopic(params.get("TopicArn"));
    return SnsQuery.result(
        "GetTopicAttributes",
        "<Attributes>"
            + entry("TopicArn", topicArn)
            + entry("Owner", ACCOUNT)
            + entry("MaximumMessageSize", Integer.toString(maximumMessageSize(topicArn)))
            + "</Attributes>");
  }

  private static String entry(String key, String value) {
    return "<entry><key>"
        + SnsQuery.xml(key)
        + "</key><value>"
        + SnsQuery.xml(value)
        + "</value></entry>";
  }

  private String setTopicAttribute(Map<String, String> params) {
    setTopicAttribute(
        existingTopic(params.get("TopicArn")),
        params.get("AttributeName"),
        params.get("AttributeValue"));
    return SnsQuery.result("SetTopicAttributes", "");
  }

  private void setTopicAttribute(String topicArn, String name, String value) {
    if (!"MaximumMessageSize".equals(name)) {
      throw new SnsError(
          400, "InvalidParameter", "LocalSns serves the topic attribute MaximumMessageSize only");
    }
    int bytes;
    try {
      bytes = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      bytes = -1;
    }
    if (bytes < 1_024 || bytes > 1_048_576) {
      throw new SnsError(
          400,
          "InvalidParameter",
          "Invalid parameter: MaximumMessageSize must be between 1024 and 1048576");
    }
    maximumMessageSizes.put(topicArn, bytes);
  }

  private String existingTopic(String topicArn) {
    if (topicArn == null || !topics.containsKey(topicArn)) {
      throw new SnsError(404, "NotFound", "Topic does not exist");
    }
    return topicArn;
  }

  private String subscribe(Map<String, String> params) {
    if (!"sqs".equals(params.get("Protocol"))) {
      throw new SnsError(400, "InvalidParameter", "LocalSns serves the sqs protocol only");
    }
    String topicArn = params.get("TopicArn");
    if (topicArn == null || !topics.containsKey(topicArn)) {
      throw new SnsError(404, "NotFound", "Topic does not exist");
    }
    boolean raw = false;
    for (int i = 1; params.containsKey("Attributes.entry." + i + ".key"); i++) {
      if ("RawMessageDelivery".equals(params.get("Attributes.entry." + i + ".key"))) {
        raw = Boolean.parseBoolean(params.get("Attributes.entry." + i + ".value"));
      }
    }
    String arn = subscribe(topicArn, params.get("Endpoint"), raw);
    return SnsQuery.result("Subscribe", "<SubscriptionArn>" + arn + "</SubscriptionArn>");
  }

  private String publish(Map<String, String> params) {
    String topicArn = params.getOrDefault("TopicArn", params.get("TargetArn"));
    List<Subscription> subscriptions = topicArn == null ? null : topics.get(topicArn);
    if (subscriptions == null) {
      throw new SnsError(404, "NotFound", "Topic does not exist");
    }
    Publication publication = publication(topicArn, params, "");
    if (size(publication) > maximumMessageSize(topicArn)) {
      throw new SnsError(400, "InvalidParameter", "Invalid parameter: Message too long");
    }
    deliver(publication, params.get("MessageGroupId"), subscriptions);
    return SnsQuery.result("Publish", "<MessageId>" + publication.messageId() + "</MessageId>");
  }

  private String publishBatch(Map<String, String> params) {
    String topicArn = params.get("TopicArn");
    List<Subscription> subscriptions = topicArn == null ? null : topics.get(topicArn);
    if (subscriptions == null) {
      throw new SnsError(404, "NotFound", "Topic does not exist");
    }
    List<String> ids = new ArrayList<>();
    List<Publication> batch = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    StringBuilder failed = new StringBuilder("<Failed>");
    int entries = 0;
    long total = 0;
    for (int i = 1; params.containsKey("PublishBatchRequestEntries.member." + i + ".Id"); i++) {
      String prefix = "PublishBatchRequestEntries.member." + i + ".";
      entries++;
      Publication publication;
      try {
        publication = publication(topicArn, params, prefix);
      } catch (SnsError entryError) {
        // an entry SNS refuses on its own is reported in Failed; the others go on
        failed
            .append("<member><Id>")
            .append(SnsQuery.xml(params.get(prefix + "Id")))
            .append("</Id><Code>")
            .append(SnsQuery.xml(entryError.code))
            .append("</Code><Message>")
            .append(SnsQuery.xml(entryError.getMessage()))
            .append("</Message><SenderFault>true</SenderFault></member>");
        continue;
      }
      ids.add(params.get(prefix + "Id"));
      batch.add(publication);
      groups.add(params.get(prefix + "MessageGroupId"));
      total += size(publication);
    }
    failed.append("</Failed>");
    if (entries > 10) {
      throw new SnsError(
          400,
          "TooManyEntriesInBatchRequest",
          "The batch request contains more entries than permissible.");
    }
    if (total > maximumMessageSize(topicArn)) {
      throw new SnsError(
          400,
          "BatchRequestTooLong",
          "The length of all the messages put together is more than the limit.");
    }
    StringBuilder successful = new StringBuilder("<Successful>");
    for (int i = 0; i < batch.size(); i++) {
      deliver(batch.get(i), groups.get(i), subscriptions);
      successful
          .append("<member><Id>")
          .append(SnsQuery.xml(ids.get(i)))
          .append("</Id><MessageId>")
          .append(batch.get(i).messageId())
          .append("</MessageId></member>");
    }
    successful.append("</Successful>").append(failed);
    return SnsQuery.result("PublishBatch", successful.toString());
  }

  private Publication publication(String topicArn, Map<String, String> params, String prefix) {
    String message = params.get(prefix + "Message");
    if (message == null) {
      throw new SnsError(400, "InvalidParameter", "Invalid parameter: Empty message");
    }
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    for (int i = 1; params.containsKey(prefix + "MessageAttributes.entry." + i + ".Name"); i++) {
      String entry = prefix + "MessageAttributes.entry." + i + ".";
      String type = params.get(entry + "Value.DataType");
      MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(type);
      if (params.containsKey(entry + "Value.BinaryValue")) {
        value.binaryValue(
            SdkBytes.fromByteArray(
                Base64.getDecoder().decode(params.get(entry + "Value.BinaryValue"))));
      } else {
        value.stringValue(params.get(entry + "Value.StringValue"));
      }
      MessageAttributeValue built = value.build();
      if (type != null
          && (type.equals("Number") || type.startsWith("Number."))
          && !numeric(built.stringValue())) {
        throw new SnsError(
            400,
            "ParameterValueInvalid",
            "The message attribute '"
                + params.get(entry + "Name")
                + "' with type 'Number' must contain a numeric value");
      }
      attributes.put(params.get(entry + "Name"), built);
    }
    Publication publication =
        new Publication(
            topicArn,
            UUID.randomUUID().toString(),
            params.get(prefix + "Subject"),
            message,
            attributes);
    return publication;
  }

  private static boolean numeric(String value) {
    if (value == null) {
      return false;
    }
    try {
      new java.math.BigDecimal(value.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Sends the publication to each subscribed queue; a {@code MessageGroupId} published on a
   * (standard) topic goes with it, as SNS passes it to subscribed standard queues (SQS fair
   * queues).
   */
  private void deliver(
      Publication publication, String messageGroupId, List<Subscription> subscriptions) {
    publications.add(publication);
    String timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    for (Subscription subscription : subscriptions) {
      if (subscription.raw()) {
        sqs.sendMessage(
            r ->
                r.queueUrl(subscription.queueUrl())
                    .messageBody(publication.message())
                    .messageAttributes(publication.messageAttributes())
                    .messageGroupId(messageGroupId));
      } else {
        sqs.sendMessage(
            r ->
                r.queueUrl(subscription.queueUrl())
                    .messageBody(envelope(publication, subscription, timestamp))
                    .messageGroupId(messageGroupId));
      }
    }
  }

  /** SNS's notification envelope, with the documented fields in SNS's order. */
  private String envelope(Publication publication, Subscription subscription, String timestamp) {
    StringBuilder json = new StringBuilder("{");
    Json.field(json, "Type", "Notification").append(',');
    Json.field(json, "MessageId", publication.messageId()).append(',');
    Json.field(json, "TopicArn", publication.topicArn()).append(',');
    if (publication.subject() != null) {
      Json.field(json, "Subject", publication.subject()).append(',');
    }
    Json.field(json, "Message", publication.message()).append(',');
    Json.field(json, "Timestamp", timestamp).append(',');
    Json.field(json, "SignatureVersion", "1").append(',');
    Json.field(json, "Signature", "TG9jYWxTbnMgZG9lcyBub3Qgc2lnbg==").append(',');
    Json.field(json, "SigningCertURL", endpoint() + "/SimpleNotificationService-local.pem")
        .append(',');
    Json.field(
        json,
        "UnsubscribeURL",
        endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + subscription.arn());
    if (!publication.messageAttributes().isEmpty()) {
      json.append(",\"MessageAttributes\":{");
      boolean first = true;
      for (Map.Entry<String, MessageAttributeValue> attribute :
          publication.messageAttributes().entrySet()) {
        if (!first) {
          json.append(',');
        }
        first = false;
        MessageAttributeValue value = attribute.getValue();
        Json.quote(json, attribute.getKey()).append(":{");
        Json.field(json, "Type", value.dataType()).append(',');
        Json.field(
            json,
            "Value",
            value.binaryValue() != null
                ? Base64.getEncoder().encodeToString(value.binaryValue().asByteArrayUnsafe())
                : value.stringValue());
        json.append('}');
      }
      json.append('}');
    }
    return json.append('}').toString();
  }

  private static long size(Publication publication) {
    long size = publication.message().getBytes(StandardCharsets.UTF_8).length;
    for (Map.Entry<String, MessageAttributeValue> attribute :
        publication.messageAttributes().entrySet()) {
      MessageAttributeValue value = attribute.getValue();
      size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
      size +=
          value.dataType() == null ? 0 : value.dataType().getBytes(StandardCharsets.UTF_8).length;
      size +=
          value.binaryValue() != null
              ? value.binaryValue().asByteArrayUnsafe().length
              : value.stringValue() == null
                  ? 0
                  : value.stringValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return size;
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "sqsx-local-sns");
    thread.setDaemon(true);
    return thread;
  }

  private static final class SnsError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    SnsError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
}
