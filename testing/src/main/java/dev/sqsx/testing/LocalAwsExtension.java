/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

import dev.sqsx.testing.internal.Docker;
import dev.sqsx.testing.internal.LocalStackServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The JUnit 5 extension behind {@link LocalAws}: starts (or connects to) the endpoints once per
 * test run, shares clients, and hands each test class an {@link AwsResources} of its own.
 *
 * <p>The mode comes from {@link AwsMode#fromEnvironment()}. In {@code aws} mode the name prefix of
 * created resources is read from the system property {@value #PREFIX_PROPERTY} (default {@code
 * sqsx-test}).
 */
public final class LocalAwsExtension implements ExecutionCondition, ParameterResolver {

  /** System property with the prefix of every resource name (default {@code sqsx-test}). */
  public static final String PREFIX_PROPERTY = "sqsx.aws.prefix";

  private static final Namespace NAMESPACE = Namespace.create(LocalAwsExtension.class);

  /** Creates the extension; JUnit does this through {@link LocalAws}. */
  public LocalAwsExtension() {}

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return evaluate(
        AwsMode.fromEnvironment(),
        AnnotationSupport.findAnnotation(context.getElement(), RequiresEndpointFeature.class));
  }

  /** Whether a test runs in {@code mode}, given the features it requires (if it names any). */
  static ConditionEvaluationResult evaluate(
      AwsMode mode, Optional<RequiresEndpointFeature> required) {
    if (mode == AwsMode.LOCALSTACK && !Docker.isAvailable()) {
      return ConditionEvaluationResult.disabled(
          "sqsx.aws.mode=localstack needs a Docker engine, and 'docker info' failed");
    }
    for (EndpointFeature feature : required.map(RequiresEndpointFeature::value).orElse(NONE)) {
      if (!mode.supports(feature)) {
        return ConditionEvaluationResult.disabled(
            "needs "
                + feature.description()
                + ", which the "
                + mode.name().toLowerCase(Locale.ROOT)
                + " endpoints do not implement (the embedded DynamoDB is dynalite); it runs with"
                + " sqsx.aws.mode=localstack, endpoint or aws");
      }
    }
    return ConditionEvaluationResult.enabled("AWS mode " + mode);
  }

  private static final EndpointFeature[] NONE = {};

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return Shared.CLIENT_TYPES.contains(type)
        || type == AwsEndpoints.class
        || type == AwsResources.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    Shared shared = shared(context);
    if (type == AwsEndpoints.class) {
      return shared.endpoints;
    }
    if (type == AwsResources.class) {
      return resources(context, shared);
    }
    Object client = shared.clients.get(type);
    if (client == null) {
      throw new ParameterResolutionException("LocalAws cannot provide a " + type.getName());
    }
    return client;
  }

  private static Shared shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Shared.class, key -> Shared.start(), Shared.class);
  }

  /** One per test class (or per test method when resolved for a method of a nested context). */
  private static AwsResources resources(ExtensionContext context, Shared shared) {
    ExtensionContext owner = classContext(context);
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ClassResources.class,
            key -> new ClassResources(shared.newResources()),
            ClassResources.class)
        .resources;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  /** The test class's resources, removed when JUnit closes the class's store. */
  private static final class ClassResources implements ExtensionContext.Store.CloseableResource {
    private final AwsResources resources;

    ClassResources(AwsResources resources) {
      this.resources = resources;
    }

    @Override
    public void close() {
      resources.close();
    }
  }

  /** Endpoints and shared clients for the whole run; closed by JUnit at the end of the run. */
  private static final class Shared implements ExtensionContext.Store.CloseableResource {
    static final List<Class<?>> CLIENT_TYPES =
        List.of(
            SqsClient.class,
            SqsAsyncClient.class,
            S3Client.class,
            S3AsyncClient.class,
            DynamoDbClient.class,
            DynamoDbAsyncClient.class);

    final AwsEndpoints endpoints;
    final Map<Class<?>, SdkClient> clients;
    final AutoCloseable server;

    private Shared(AwsEndpoints endpoints, AutoCloseable server) {
      this.endpoints = endpoints;
      this.server = server;
      this.clients =
          Map.of(
              SqsClient.class, endpoints.newSqsClient(),
              SqsAsyncClient.class, endpoints.newSqsAsyncClient(),
              S3Client.class, endpoints.newS3Client(),
              S3AsyncClient.class, endpoints.newS3AsyncClient(),
              DynamoDbClient.class, endpoints.newDynamoDbClient(),
              DynamoDbAsyncClient.class, endpoints.newDynamoDbAsyncClient());
    }

    static Shared start() {
      AwsMode mode = AwsMode.fromEnvironment();
      switch (mode) {
        case EMBEDDED:
          EmbeddedAws embedded = EmbeddedAws.start();
          return new Shared(embedded.endpoints(), embedded);
        case LOCALSTACK:
          LocalStackServer localStack = LocalStackServer.start();
          return new Shared(localStack.endpoints(), localStack);
        case ENDPOINT:
          URI endpoint = URI.create(endpointSetting());
          return new Shared(AwsEndpoints.local(mode, endpoint, endpoint, endpoint), null);
        case AWS:
          return new Shared(AwsEndpoints.aws(), null);
      }
      throw new IllegalStateException("unknown mode " + mode);
    }

    private static String endpointSetting() {
      return AwsMode.setting(AwsMode.ENDPOINT_PROPERTY, AwsMode.ENDPOINT_ENVIRONMENT_VARIABLE)
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "sqsx.aws.mode=endpoint needs the endpoint URL in "
                          + AwsMode.ENDPOINT_PROPERTY
                          + " or "
                          + AwsMode.ENDPOINT_ENVIRONMENT_VARIABLE
                          + " (e.g. http://localhost:4566)"));
    }

    AwsResources newResources() {
      String prefix =
          endpoints.mode() == AwsMode.AWS
              ? System.getProperty(PREFIX_PROPERTY, "sqsx-test")
              : "sqsx";
      return new AwsResources(
          client(SqsClient.class),
          client(S3Client.class),
          client(DynamoDbClient.class),
          endpoints.region(),
          prefix);
    }

    private <T> T client(Class<T> type) {
      return type.cast(clients.get(type));
    }

    @Override
    public void close() throws Exception {
      List<Exception> failures = new ArrayList<>();
      for (SdkClient client : clients.values()) {
        closeInto(client, failures);
      }
      if (server != null) {
        closeInto(server, failures);
      }
      if (!failures.isEmpty()) {
        Exception first = failures.get(0);
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        throw first;
      }
    }

    private static void closeInto(AutoCloseable closeable, List<Exception> failures) {
      try {
        closeable.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
  }
}
