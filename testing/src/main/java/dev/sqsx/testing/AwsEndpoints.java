/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import dev.sqsx.testing.faults.FaultInjector;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where SQS, S3 and DynamoDB answer, and the region and credentials to use with them.
 *
 * <p>Immutable and thread-safe. The {@code new...Client()} methods build a fresh SDK client each
 * call; the caller owns it and closes it. S3 clients use path-style addressing whenever an endpoint
 * is overridden (an emulator on loopback has no virtual-host DNS).
 */
public final class AwsEndpoints {

  /** The static access key the embedded endpoints accept. */
  public static final String LOCAL_ACCESS_KEY = "test";

  /** The static secret key the embedded endpoints accept. */
  public static final String LOCAL_SECRET_KEY = "test";

  private final AwsMode mode;
  private final URI sqs;
  private final URI s3;
  private final URI dynamoDb;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final FaultInjector faults;

  private AwsEndpoints(
      AwsMode mode,
      URI sqs,
      URI s3,
      URI dynamoDb,
      Region region,
      AwsCredentialsProvider credentials,
      FaultInjector faults) {
    this.mode = Objects.requireNonNull(mode, "mode cannot be null");
    this.sqs = sqs;
    this.s3 = s3;
    this.dynamoDb = dynamoDb;
    this.region = Objects.requireNonNull(region, "region cannot be null");
    this.credentials = Objects.requireNonNull(credentials, "credentials cannot be null");
    this.faults = faults;
  }

  /**
   * Endpoints of local servers (embedded, LocalStack, or another emulator): region {@code
   * us-east-1}, static credentials {@code test}/{@code test}.
   */
  public static AwsEndpoints local(AwsMode mode, URI sqs, URI s3, URI dynamoDb) {
    Objects.requireNonNull(sqs, "sqs endpoint cannot be null");
    Objects.requireNonNull(s3, "s3 endpoint cannot be null");
    Objects.requireNonNull(dynamoDb, "dynamoDb endpoint cannot be null");
    return new AwsEndpoints(
        mode,
        sqs,
        s3,
        dynamoDb,
        Region.US_EAST_1,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY)),
        null);
  }

  /** The real AWS endpoints, with the SDK's default credential provider chain and region chain. */
  public static AwsEndpoints aws() {
    return new AwsEndpoints(
        AwsMode.AWS,
        null,
        null,
        null,
        new DefaultAwsRegionProviderChain().getRegion(),
        DefaultCredentialsProvider.builder().build(),
        null);
  }

  /**
   * The same endpoints, but every client the {@code new...Client()} methods build sends its
   * requests through {@code faults} (Apache HTTP client for synchronous clients, Netty for
   * asynchronous ones). Clients built with {@link #configure} are not affected: wrap their HTTP
   * client with {@link FaultInjector#wrap(software.amazon.awssdk.http.SdkHttpClient.Builder)}.
   */
  public AwsEndpoints withFaults(FaultInjector faults) {
    Objects.requireNonNull(faults, "faults cannot be null");
    return new AwsEndpoints(mode, sqs, s3, dynamoDb, region, credentials, faults);
  }

  /** The fault injector the {@code new...Client()} methods use, if any. */
  public Optional<FaultInjector> faults() {
    return Optional.ofNullable(faults);
  }

  /** The mode these endpoints were made for. */
  public AwsMode mode() {
    return mode;
  }

  /**
   * Whether these endpoints implement a feature: the embedded ones lack every {@link
   * EndpointFeature} (dynalite does not implement them); LocalStack, AWS and an endpoint named by
   * URL are taken to have them all.
   */
  public boolean supports(EndpointFeature feature) {
    return mode.supports(feature);
  }

  /** The SQS endpoint, or empty when the SDK's default for the region applies. */
  public Optional<URI> sqsEndpoint() {
    return Optional.ofNullable(sqs);
  }

  /** The S3 endpoint, or empty when the SDK's default for the region applies. */
  public Optional<URI> s3Endpoint() {
    return Optional.ofNullable(s3);
  }

  /** The DynamoDB endpoint, or empty when the SDK's default for the region applies. */
  public Optional<URI> dynamoDbEndpoint() {
    return Optional.ofNullable(dynamoDb);
  }

  /** The region clients must be configured with. */
  public Region region() {
    return region;
  }

  /** The credentials clients must be configured with. */
  public AwsCredentialsProvider credentialsProvider() {
    return credentials;
  }

  /**
   * Sets region, credentials and (when overridden) the endpoint on any SDK client builder, for
   * clients this class has no factory method for (e.g. with a custom HTTP client).
   */
  public <B extends AwsClientBuilder<B, ?>> B configure(B builder, Optional<URI> endpoint) {
    builder.region(region).credentialsProvider(credentials);
    endpoint.ifPresent(builder::endpointOverride);
    return builder;
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B sync(
      B builder, Optional<URI> endpoint) {
    if (faults != null) {
      builder.httpClientBuilder(faults.wrap(Apache5HttpClient.builder()));
    }
    return configure(builder, endpoint);
  }

  private <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B async(
      B builder, Optional<URI> endpoint) {
    if (faults != null) {
      builder.httpClientBuilder(faults.wrap(NettyNioAsyncHttpClient.builder()));
    }
    return configure(builder, endpoint);
  }

  /** A new synchronous SQS client; the caller closes it. */
  public SqsClient newSqsClient() {
    return sync(SqsClient.builder(), sqsEndpoint()).build();
  }

  /** A new asynchronous SQS client; the caller closes it. */
  public SqsAsyncClient newSqsAsyncClient() {
    return async(SqsAsyncClient.builder(), sqsEndpoint()).build();
  }

  /**
   * A new synchronous S3 client (path-style when the endpoint is overridden); the caller closes it.
   */
  public S3Client newS3Client() {
    return sync(S3Client.builder(), s3Endpoint()).forcePathStyle(s3 != null).build();
  }

  /**
   * A new asynchronous S3 client (path-style when the endpoint is overridden); the caller closes
   * it.
   */
  public S3AsyncClient newS3AsyncClient() {
    return async(S3AsyncClient.builder(), s3Endpoint()).forcePathStyle(s3 != null).build();
  }

  /** A new synchronous DynamoDB client; the caller closes it. */
  public DynamoDbClient newDynamoDbClient() {
    return sync(DynamoDbClient.builder(), dynamoDbEndpoint()).build();
  }

  /** A new asynchronous DynamoDB client; the caller closes it. */
  public DynamoDbAsyncClient newDynamoDbAsyncClient() {
    return async(DynamoDbAsyncClient.builder(), dynamoDbEndpoint()).build();
  }

  @Override
  public String toString() {
    return "AwsEndpoints{mode="
        + mode
        + ", region="
        + region
        + ", sqs="
        + sqs
        + ", s3="
        + s3
        + ", dynamoDb="
        + dynamoDb
        + (faults == null ? "" : ", faults")
        + '}';
  }
}
