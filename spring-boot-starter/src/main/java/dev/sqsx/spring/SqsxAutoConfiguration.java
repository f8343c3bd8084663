/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.extended.DynamoDbPayloadStore;
import dev.sqsx.extended.PayloadStore;
import dev.sqsx.extended.S3PayloadStore;
import dev.sqsx.extended.SqsExtendedAsyncClient;
import dev.sqsx.extended.SqsExtendedClient;
import dev.sqsx.extended.TieredPayloadStore;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * sqsx for Spring Boot: the payload store and extended clients from {@code sqsx.payload.*}, the
 * {@link SqsxListener} methods, and — with Spring Cloud AWS — its listener containers reading
 * through the extended client.
 *
 * <p>Every SDK client is the application's (or Spring Cloud AWS's) when it has one; only when it
 * has none is one made, closed with the context: with Spring Cloud AWS, from its region,
 * credentials and {@code spring.cloud.aws.*} endpoint settings; {@code sqsx.aws.*}, when set, wins;
 * otherwise the SDK's default chains. The extended clients never replace the application's: they
 * are injected only where asked for with {@link SqsxClient}.
 */
@AutoConfiguration(
    afterName = {
      "io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration",
      "io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration",
      "io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration",
      "io.awspring.cloud.autoconfigure.s3.S3CrtAsyncClientAutoConfiguration",
      "io.awspring.cloud.autoconfigure.dynamodb.DynamoDbAutoConfiguration"
    })
@EnableConfigurationProperties(SqsxProperties.class)
public class SqsxAutoConfiguration {

  /** Bean name of the asynchronous extended client. */
  public static final String EXTENDED_ASYNC_CLIENT = "sqsxExtendedAsyncClient";

  private static final String AWS_EXTENDED_ASYNC_CLIENT =
      "com.amazon.sqs.javamessaging.AmazonSQSExtendedAsyncClient";

  /** Bean name of the synchronous extended client. */
  public static final String EXTENDED_CLIENT = "sqsxExtendedClient";

  /** How the clients sqsx makes are configured, without Spring Cloud AWS: {@code sqsx.aws.*}. */
  @Bean
  @ConditionalOnMissingBean(ClientBuilders.class)
  ClientBuilders sqsxClientBuilders(SqsxProperties properties) {
    return new ClientBuilders(properties.aws());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  SqsAsyncClient sqsAsyncClient(ClientBuilders clients) {
    return clients.configure(SqsAsyncClient.builder(), ClientBuilders.Service.SQS).build();
  }

  /** With Spring Cloud AWS: its providers and {@code spring.cloud.aws.*} settings, then ours. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer")
  @ConditionalOnBean(type = "io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer")
  static class SpringCloudAwsClients {
    @Bean
    ClientBuilders sqsxSpringCloudAwsClientBuilders(
        SqsxProperties properties,
        io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer configurer,
        ObjectProvider<io.awspring.cloud.autoconfigure.core.AwsConnectionDetails> connection,
        org.springframework.core.env.Environment environment,
        org.springframework.beans.factory.ListableBeanFactory beans) {
      return new SpringCloudAwsClientBuilders(
          properties.aws(), configurer, connection.getIfAvailable(), environment, beans);
    }
  }

  @Bean
  static SqsxListeners sqsxListeners() {
    return new SqsxListeners();
  }

  /** A store is configured: a bucket, a table, or the application's own {@code PayloadStore}. */
  static final class PayloadConfigured extends AnyNestedCondition {
    PayloadConfigured() {
      super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty("sqsx.payload.bucket")
    static final class Bucket {}

    @ConditionalOnProperty("sqsx.payload.table")
    static final class Table {}

    @ConditionalOnBean(PayloadStore.class)
    static final class OwnStore {}
  }

  /** The S3 clients a bucket needs, when the application has none. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty("sqsx.payload.bucket")
  static class S3Clients {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    S3Client s3Client(ClientBuilders clients) {
      return clients.configure(S3Client.builder(), ClientBuilders.Service.S3).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    S3AsyncClient s3AsyncClient(ClientBuilders clients) {
      return clients.configure(S3AsyncClient.builder(), ClientBuilders.Service.S3).build();
    }
  }

  /** The DynamoDB clients a payload table needs, when the application has none. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty("sqsx.payload.table")
  static class DynamoDbAsyncClients {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DynamoDbAsyncClient dynamoDbAsyncClient(ClientBuilders clients) {
      return clients
          .configure(DynamoDbAsyncClient.builder(), ClientBuilders.Service.DYNAMODB)
          .build();
    }
  }

  /** The DynamoDB client a payload or idempotency table needs, when the application has none. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(TableConfigured.class)
  static class DynamoDbClients {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DynamoDbClient dynamoDbClient(ClientBuilders clients) {
      return clients.configure(DynamoDbClient.builder(), ClientBuilders.Service.DYNAMODB).build();
    }
  }

  /** A payload table or an idempotency table is configured. */
  static final class TableConfigured extends AnyNestedCondition {
    TableConfigured() {
      super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty("sqsx.payload.table")
    static final class PayloadTable {}

    @ConditionalOnProperty("sqsx.idempotency.table")
    static final class IdempotencyTable {}
  }

  /** The payload store and the extended clients over it. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(PayloadConfigured.class)
  static class ExtendedClients {

    @Bean
    @ConditionalOnMissingBean(PayloadStore.class)
    PayloadStore sqsxPayloadStore(
        SqsxProperties properties,
        ObjectProvider<S3Client> s3,
        ObjectProvider<S3AsyncClient> s3Async,
        ObjectProvider<DynamoDbClient> dynamoDb,
        ObjectProvider<DynamoDbAsyncClient> dynamoDbAsync) {
      SqsxProperties.Payload payload = properties.payload();
      PayloadStore bucket = null;
      if (SqsxProperties.hasText(payload.bucket())) {
        S3PayloadStore.Builder builder =
            S3PayloadStore.builder()
                .s3Client(s3.getIfAvailable())
                .s3AsyncClient(s3Async.getIfAvailable())
                .bucket(payload.bucket())
                .allowedBuckets(with(payload.bucket(), payload.allowedBuckets()));
        if (SqsxProperties.hasText(payload.keyPrefix())) {
          builder.keyPrefix(payload.keyPrefix());
        }
        bucket = builder.build();
      }
      PayloadStore table = null;
      if (SqsxProperties.hasText(payload.table())) {
        DynamoDbPayloadStore.Builder builder =
            DynamoDbPayloadStore.builder()
                .dynamoDbClient(dynamoDb.getIfAvailable())
                .dynamoDbAsyncClient(dynamoDbAsync.getIfAvailable())
                .table(payload.table())
                .allowedTables(with(payload.table(), payload.allowedTables()));
        if (SqsxProperties.hasText(payload.keyPrefix())) {
          builder.keyPrefix(payload.keyPrefix());
        }
        table = builder.build();
      }
      if (bucket != null && table != null) {
        return TieredPayloadStore.builder()
            .tier(payload.tableMaxSize().toBytes(), table)
            .otherwise(bucket)
            .build();
      }
      return bucket != null ? bucket : table;
    }

    /** Routes unresolvable payloads into the listeners' retry and dead-letter policy. */
    @Bean(defaultCandidate = false)
    PayloadFailureBridge sqsxPayloadFailures() {
      return new PayloadFailureBridge();
    }

    @Bean(name = EXTENDED_ASYNC_CLIENT, defaultCandidate = false)
    @SqsxClient
    SqsExtendedAsyncClient sqsxExtendedAsyncClient(
        SqsAsyncClient sqs,
        PayloadStore store,
        SqsxProperties properties,
        @Qualifier("sqsxPayloadFailures") PayloadFailureBridge failures) {
      refuseAwsExtendedClient(sqs);
      SqsExtendedAsyncClient.Builder builder =
          SqsExtendedAsyncClient.builder()
              .sqsClient(sqs)
              .payloadStore(store)
              .resolutionListener(failures);
      return configure(builder, properties.payload()).build();
    }

    @Bean(name = EXTENDED_CLIENT, defaultCandidate = false)
    @SqsxClient
    @ConditionalOnBean(SqsClient.class)
    SqsExtendedClient sqsxExtendedClient(
        SqsClient sqs, PayloadStore store, SqsxProperties properties) {
      return configure(
              SqsExtendedClient.builder().sqsClient(sqs).payloadStore(store), properties.payload())
          .build();
    }

    /**
     * Two extended clients in one chain would offload twice and resolve each other's pointers: with
     * {@code spring.cloud.aws.sqs.extended.bucket} set, Spring Cloud AWS's {@code SqsAsyncClient}
     * is AWS's extended client, and sqsx refuses to wrap it.
     */
    private static void refuseAwsExtendedClient(SqsAsyncClient sqs) {
      if (sqs.getClass().getName().equals(AWS_EXTENDED_ASYNC_CLIENT)) {
        throw new SqsxConfigurationException(
            "sqsx.payload.* and spring.cloud.aws.sqs.extended.bucket are both set: the"
                + " application's SqsAsyncClient is AWS's extended client ("
                + AWS_EXTENDED_ASYNC_CLIENT
                + "), and sqsx's extended client must not wrap another one. Choose one: to move"
                + " to sqsx, remove spring.cloud.aws.sqs.extended.* and set sqsx.payload.bucket"
                + " to the same bucket (sqsx reads the pointers AWS's library wrote)");
      }
    }

    private static <B extends dev.sqsx.extended.ExtendedClientBuilder<B>> B configure(
        B builder, SqsxProperties.Payload payload) {
      if (payload.threshold() != null) {
        builder.payloadSizeThreshold(payload.threshold());
      }
      return builder
          .alwaysOffload(payload.alwaysOffload())
          .cleanupPayload(payload.cleanup())
          .snsEnvelopes(payload.snsEnvelopes());
    }

    private static Set<String> with(String own, java.util.List<String> others) {
      Set<String> all = new LinkedHashSet<>(others);
      all.add(own);
      return all;
    }
  }
}
