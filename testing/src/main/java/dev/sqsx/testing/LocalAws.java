/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class real SQS, S3 and DynamoDB endpoints.
 *
 * <p>The endpoints are started once per JVM (in {@link AwsMode#EMBEDDED embedded} mode, the
 * default: ElasticMQ and S3Proxy in this JVM, dynalite in a Node.js child process, on 127.0.0.1)
 * and shared by every test class. Test constructors, lifecycle methods and test methods may declare
 * parameters of these types: {@code SqsClient}, {@code SqsAsyncClient}, {@code S3Client}, {@code
 * S3AsyncClient}, {@code DynamoDbClient}, {@code DynamoDbAsyncClient} (shared clients: do not close
 * them), {@link AwsEndpoints} (to build clients of your own) and {@link AwsResources} (uniquely
 * named queues, buckets and tables, removed when the test class ends).
 *
 * <pre>{@code
 * @LocalAws
 * class OrderQueueIT {
 *   @Test
 *   void roundTrip(SqsClient sqs, AwsResources aws) {
 *     String queueUrl = aws.createQueue();
 *     sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("hello"));
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>In {@link AwsMode#LOCALSTACK} mode the test class is skipped, not failed, where no Docker
 * engine answers.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalAwsExtension.class)
public @interface LocalAws {}
