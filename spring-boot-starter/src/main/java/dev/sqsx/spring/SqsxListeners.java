package dev.sqsx.spring;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.PayloadFailureBridge;
import dev.sqsx.consumer.ReceivedMessage;
import dev.sqsx.consumer.RetryPolicy;
import dev.sqsx.consumer.SqsConsumer;
import dev.sqsx.consumer.SqsConsumerBuilder;
import dev.sqsx.idempotency.DynamoDbIdempotencyStore;
import dev.sqsx.idempotency.IdempotencyKey;
import dev.sqsx.idempotency.IdempotentHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Finds {@link SqsxListener} methods, checks them when the context's singletons are ready (their
 * parameters, their queues, their settings: a problem fails startup, naming the method), runs each
 * in an {@code SqsConsumer} from the context's start, and closes them — gracefully, releasing what
 * has not started — when the context stops, in phase {@link #PHASE}: before the web server's
 * graceful shutdown ends and before any bean (the SDK clients among them) is destroyed.
 */
public final class SqsxListeners
    implements BeanPostProcessor, SmartInitializingSingleton, SmartLifecycle, BeanFactoryAware {

  /** The lifecycle phase: started after, and stopped before, lower phases. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private static final Logger LOG = LoggerFactory.getLogger(SqsxListeners.class);
  private static final String JACKSON = "tools.jackson.databind.ObjectMapper";

  /** One annotated method of one bean. */
  private record Endpoint(String beanName, Object bean, Method method, SqsxListener annotation) {
    String id() {
      return annotation.id().isEmpty() ? beanName + "." + method.getName() : annotation.id();
    }

    String describe() {
      return "@SqsxListener " + method.getDeclaringClass().getName() + "." + method.getName();
    }
  }

  /**
   * A listener's consumer, once built.
   *
   * @param circuitBreaker its resilience4j {@code CircuitBreaker}, or null
   */
  public record Listener(String id, String queueUrl, SqsConsumer consumer, Object circuitBreaker) {}

  private final List<Endpoint> endpoints = Collections.synchronizedList(new ArrayList<>());
  private final List<Listener> listeners = new ArrayList<>();
  private ConfigurableBeanFactory beanFactory;
  private volatile boolean running;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableBeanFactory) beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, SqsxListener> annotated =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<SqsxListener>)
                method -> AnnotatedElementUtils.findMergedAnnotation(method, SqsxListener.class));
    annotated.forEach(
        (method, annotation) -> {
          Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
          invocable.setAccessible(true);
          endpoints.add(new Endpoint(beanName, bean, invocable, annotation));
        });
    return bean;
  }

  /** Builds every listener's consumer; any problem fails startup, naming the method. */
  @Override
  public void afterSingletonsInstantiated() {
    if (endpoints.isEmpty()) {
      return;
    }
    SqsxProperties properties = beanFactory.getBean(SqsxProperties.class);
    SqsAsyncClient sqs = client();
    PayloadFailureBridge failures =
        beanFactory.containsBean("sqsxPayloadFailures")
            ? beanFactory.getBean("sqsxPayloadFailures", PayloadFailureBridge.class)
            : null;
    for (Endpoint endpoint : endpoints) {
      Function<ReceivedMessage, Object>[] arguments = arguments(endpoint);
      String queueUrl = queueUrl(sqs, endpoint);
      MessageHandler handler = invoker(endpoint, arguments);
      if (!endpoint.annotation().idempotencyKey().isEmpty()) {
        handler = idempotent(endpoint, properties, handler);
      }
      Object breaker =
          endpoint.annotation().circuitBreaker().isEmpty()
              ? null
              : Breakers.named(
                  beanFactory, endpoint.describe(), endpoint.annotation().circuitBreaker());
      listeners.add(
          new Listener(
              endpoint.id(),
              queueUrl,
              consumer(endpoint, properties, sqs, failures, queueUrl, handler, breaker),
              breaker));
    }
  }

  /** The extended client when a payload store is configured, else the application's client. */
  private SqsAsyncClient client() {
    if (beanFactory.containsBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT)) {
      return beanFactory.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class);
    }
    return beanFactory.getBean(SqsAsyncClient.class);
  }

  private SqsConsumer consumer(
      Endpoint endpoint,
      SqsxProperties properties,
      SqsAsyncClient sqs,
      PayloadFailureBridge failures,
      String queueUrl,
      MessageHandler handler,
      Object breaker) {
    SqsxProperties.Consumer defaults = properties.consumer();
    int concurrency =
        endpoint.annotation().concurrency() > 0
            ? endpoint.annotation().concurrency()
            : defaults.concurrency() != null ? defaults.concurrency() : 10;
    SqsConsumerBuilder builder =
        SqsConsumer.builder()
            .sqsClient(sqs)
            .queueUrl(queueUrl)
            .concurrency(concurrency)
            .handler(handler)
            .retryPolicy(
                RetryPolicy.exponential(
                    defaults.retry().initial(),
                    defaults.retry().multiplier(),
                    defaults.retry().max()));
    if (defaults.waitTime() != null) {
      builder.waitTime(defaults.waitTime());
    }
    if (defaults.visibilityTimeout() != null) {
      builder.visibilityTimeout(defaults.visibilityTimeout());
    }
    if (defaults.maxProcessingTime() != null) {
      builder.maxProcessingTime(defaults.maxProcessingTime());
    }
    if (defaults.shutdownTimeout() != null) {
      builder.shutdownTimeout(defaults.shutdownTimeout());
    }
    if (failures != null) {
      builder.payloadFailures(failures);
    }
    Metrics.bind(beanFactory, builder);
    Observers.bind(beanFactory, builder);
    if (breaker != null) {
      Breakers.bind(builder, breaker);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new SqsxConfigurationException(endpoint.describe() + ": " + e.getMessage(), e);
    }
  }

  private String queueUrl(SqsAsyncClient sqs, Endpoint endpoint) {
    String queue = beanFactory.resolveEmbeddedValue(endpoint.annotation().queue());
    if (queue == null || queue.isBlank()) {
      throw new SqsxConfigurationException(endpoint.describe() + ": queue is empty");
    }
    if (queue.startsWith("https://") || queue.startsWith("http://")) {
      return queue;
    }
    try {
      return sqs.getQueueUrl(r -> r.queueName(queue)).join().queueUrl();
    } catch (CompletionException e) {
      if (e.getCause() instanceof QueueDoesNotExistException) {
        throw new SqsxConfigurationException(
            endpoint.describe() + ": queue '" + queue + "' does not exist", e.getCause());
      }
      throw new SqsxConfigurationException(
          endpoint.describe() + ": cannot look up the URL of queue '" + queue + "'", e.getCause());
    }
  }

  private MessageHandler idempotent(
      Endpoint endpoint, SqsxProperties properties, MessageHandler handler) {
    SqsxProperties.Idempotency settings = properties.idempotency();
    if (!SqsxProperties.hasText(settings.table())) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + " has idempotencyKey \""
              + endpoint.annotation().idempotencyKey()
              + "\": set sqsx.idempotency.table (the DynamoDB table keys are claimed in)");
    }
    IdempotentHandler.Builder builder =
        IdempotentHandler.builder()
            .store(
                DynamoDbIdempotencyStore.create(
                    beanFactory.getBean(DynamoDbClient.class), settings.table()))
            .namespace(endpoint.id())
            .key(key(endpoint))
            .handler(handler);
    if (settings.lease() != null) {
      builder.lease(settings.lease());
    }
    if (settings.timeToLive() != null) {
      builder.timeToLive(settings.timeToLive());
    }
    return builder.build();
  }

  private static IdempotencyKey key(Endpoint endpoint) {
    String key = endpoint.annotation().idempotencyKey();
    return switch (key) {
      case "messageId" -> IdempotencyKey.messageId();
      case "deduplicationId" -> IdempotencyKey.deduplicationId();
      case "bodySha256" -> IdempotencyKey.bodySha256();
      default -> {
        if (!key.startsWith("/")) {
          throw new SqsxConfigurationException(
              endpoint.describe()
                  + ": idempotencyKey \""
                  + key
                  + "\" is none of messageId, deduplicationId, bodySha256 or a JSON pointer"
                  + " (/field)");
        }
        yield IdempotencyKey.jsonField(key);
      }
    };
  }

  /** How each parameter is filled from a message; unsupported ones fail, naming the method. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
  private Function<ReceivedMessage, Object>[] arguments(Endpoint endpoint) {
    Parameter[] parameters = endpoint.method().getParameters();
    Function<ReceivedMessage, Object>[] arguments = new Function[parameters.length];
    int bodies = 0;
    for (int i = 0; i < parameters.length; i++) {
      Parameter parameter = parameters[i];
      Class<?> type = parameter.getType();
      MessageAttribute attribute = parameter.getAnnotation(MessageAttribute.class);
      if (attribute != null) {
        if (type != String.class) {
          throw new SqsxConfigurationException(
              endpoint.describe()
                  + ": @MessageAttribute parameter "
                  + parameter.getName()
                  + " must be a String, is "
                  + type.getName());
        }
        String name = attribute.value();
        arguments[i] = message -> stringAttribute(message.messageAttributes(), name);
      } else if (type == ReceivedMessage.class) {
        arguments[i] = message -> message;
      } else if (type == String.class) {
        bodies++;
        arguments[i] = ReceivedMessage::body;
      } else if (type == byte[].class) {
        bodies++;
        arguments[i] = message -> message.body().getBytes(StandardCharsets.UTF_8);
      } else if (type.isPrimitive()
          || type.isArray()
          || type.getName().startsWith("java.")
          || type.getName().startsWith("software.amazon.")) {
        throw new SqsxConfigurationException(
            endpoint.describe()
                + ": parameter "
                + parameter.getName()
                + " of type "
                + type.getName()
                + " is not supported (String, byte[], ReceivedMessage, @MessageAttribute String,"
                + " or a class read from the JSON body)");
      } else {
        bodies++;
        arguments[i] = Json.reader(beanFactory, endpoint.describe(), parameter);
      }
    }
    if (bodies > 1) {
      throw new SqsxConfigurationException(
          endpoint.describe()
              + ": "
              + bodies
              + " parameters take the body (String, byte[] or a JSON class): at most one may");
    }
    return arguments;
  }

  private static String stringAttribute(
      Map<String, MessageAttributeValue> attributes, String name) {
    MessageAttributeValue value = attributes.get(name);
    return value == null ? null : value.stringValue();
  }

  private static MessageHandler invoker(
      Endpoint endpoint, Function<ReceivedMessage, Object>[] arguments) {
    return message -> {
      Object[] values = new Object[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        values[i] = arguments[i].apply(message);
      }
      try {
        endpoint.method().invoke(endpoint.bean(), values);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception exception) {
          throw exception;
        }
        throw (Error) cause;
      }
    };
  }

  @Override
  public void start() {
    for (Listener listener : listeners) {
      listener.consumer().start();
    }
    running = true;
    if (!listeners.isEmpty()) {
      LOG.info(
          "started {} sqsx listener(s): {}",
          listeners.size(),
          Arrays.toString(listeners.stream().map(Listener::id).toArray()));
    }
  }

  @Override
  public void stop() {
    closeAll();
  }

  /** Closes every consumer at once (each gracefully, within its shutdown timeout). */
  @Override
  public void stop(Runnable callback) {
    Thread closer =
        new Thread(
            () -> {
              try {
                closeAll();
              } finally {
                callback.run();
              }
            },
            "sqsx-listeners-shutdown");
    closer.start();
  }

  private void closeAll() {
    running = false;
    CompletableFuture.allOf(
            listeners.stream()
                .map(listener -> CompletableFuture.runAsync(listener.consumer()::close))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The listeners built (for health and tests): id → listener. */
  public Map<String, Listener> listeners() {
    Map<String, Listener> byId = new LinkedHashMap<>();
    listeners.forEach(listener -> byId.put(listener.id(), listener));
    return byId;
  }

  /** resilience4j circuit breakers, when the application has resilience4j. */
  private static final class Breakers {
    private static final String REGISTRY =
        "io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry";
    private static Object defaults;

    static Object named(ConfigurableBeanFactory beanFactory, String describe, String name) {
      if (!ClassUtils.isPresent(REGISTRY, Breakers.class.getClassLoader())) {
        throw new SqsxConfigurationException(
            describe
                + ": circuitBreaker \""
                + name
                + "\" needs resilience4j (io.github.resilience4j:resilience4j-circuitbreaker) on"
                + " the class path");
      }
      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry =
          beanFactory instanceof DefaultListableBeanFactory factory
              ? factory
                  .getBeanProvider(
                      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
                  .getIfUnique(Breakers::defaultRegistry)
              : defaultRegistry();
      return registry.circuitBreaker(name);
    }

    private static synchronized io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry
        defaultRegistry() {
      if (defaults == null) {
        defaults = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
      }
      return (io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry) defaults;
    }

    static void bind(SqsConsumerBuilder builder, Object breaker) {
      builder.circuitBreaker((io.github.resilience4j.circuitbreaker.CircuitBreaker) breaker);
    }

    static String state(Object breaker) {
      return ((io.github.resilience4j.circuitbreaker.CircuitBreaker) breaker).getState().name();
    }
  }

  /** The state of a listener's circuit breaker (CLOSED, OPEN, HALF_OPEN, ...). */
  static String breakerState(Listener listener) {
    return Breakers.state(listener.circuitBreaker());
  }

  /**
   * The application's {@code MessageObserver} bean (e.g. {@code SqsxTracing}), else its Micrometer
   * {@code ObservationRegistry}, else none.
   */
  private static final class Observers {
    private static final boolean OBSERVATION =
        ClassUtils.isPresent(
            "io.micrometer.observation.ObservationRegistry", Observers.class.getClassLoader());

    static void bind(ConfigurableBeanFactory beanFactory, SqsConsumerBuilder builder) {
      if (!(beanFactory instanceof DefaultListableBeanFactory factory)) {
        return;
      }
      dev.sqsx.consumer.MessageObserver own =
          factory.getBeanProvider(dev.sqsx.consumer.MessageObserver.class).getIfUnique();
      if (own != null) {
        builder.observer(own);
        return;
      }
      if (OBSERVATION) {
        io.micrometer.observation.ObservationRegistry registry =
            factory
                .getBeanProvider(io.micrometer.observation.ObservationRegistry.class)
                .getIfUnique();
        if (registry != null && !registry.isNoop()) {
          builder.observer(new ObservationMessageObserver(registry));
        }
      }
    }
  }

  /** Micrometer, when the application has it. */
  private static final class Metrics {
    private static final boolean PRESENT =
        ClassUtils.isPresent(
            "io.micrometer.core.instrument.MeterRegistry", Metrics.class.getClassLoader());

    static void bind(ConfigurableBeanFactory beanFactory, SqsConsumerBuilder builder) {
      if (!PRESENT || !(beanFactory instanceof DefaultListableBeanFactory factory)) {
        return;
      }
      io.micrometer.core.instrument.MeterRegistry registry =
          factory.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class).getIfUnique();
      if (registry != null) {
        builder.meterRegistry(registry);
      }
    }
  }

  /** A body reader through Jackson 3 (Boot 4's JSON), when the application has it. */
  private static final class Json {
    static Function<ReceivedMessage, Object> reader(
        ConfigurableBeanFactory beanFactory, String describe, Parameter parameter) {
      if (!ClassUtils.isPresent(JACKSON, Json.class.getClassLoader())) {
        throw new SqsxConfigurationException(
            describe
                + ": parameter "
                + parameter.getName()
                + " of type "
                + parameter.getType().getName()
                + " is read from JSON, which needs Jackson (tools.jackson.core:jackson-databind)"
                + " on the class path");
      }
      tools.jackson.databind.ObjectMapper mapper =
          beanFactory instanceof DefaultListableBeanFactory factory
              ? factory
                  .getBeanProvider(tools.jackson.databind.ObjectMapper.class)
                  .getIfUnique(tools.jackson.databind.json.JsonMapper::new)
              : new tools.jackson.databind.json.JsonMapper();
      tools.jackson.databind.JavaType type =
          mapper.getTypeFactory().constructType(parameter.getParameterizedType());
      String typeName = parameter.getType().getSimpleName();
      return message -> {
        try {
          return mapper.readValue(message.body(), type);
        } catch (tools.jackson.core.JacksonException e) {
          // never the body, nor Jackson's message (it may quote the body)
          throw new dev.sqsx.consumer.NonRetryableException(
              "message body is not a JSON "
                  + typeName
                  + " ("
                  + e.getClass().getSimpleName()
                  + " at "
                  + e.getLocation()
                  + ")");
        }
      };
    }
  }
}
