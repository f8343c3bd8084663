/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import dev.sqsx.consumer.MessageHandler;
import dev.sqsx.consumer.ReceivedMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * How a {@link SqsxListener} method is called for a message: each parameter's value (the body, its
 * bytes, the message, an attribute, or a class read from the JSON body), checked once at startup;
 * what the method throws is the handler's failure.
 */
final class ListenerInvocation {

  private static final String JACKSON = "tools.jackson.databind.ObjectMapper";

  private ListenerInvocation() {}

  /**
   * The handler that calls {@code method} on {@code bean}.
   *
   * @param describe the method as error messages name it
   * @throws SqsxConfigurationException for a parameter it cannot fill
   */
  static MessageHandler handler(
      ConfigurableBeanFactory beanFactory, String describe, Object bean, Method method) {
    Call call = call(beanFactory, describe, bean, method);
    return call::invoke;
  }

  /** Calls the method for one message and gives back what it returned. */
  @FunctionalInterface
  interface Call {
    Object invoke(ReceivedMessage message) throws Exception;
  }

  /**
   * What calls {@code method} on {@code bean} and returns its result (for a method that replies).
   *
   * @throws SqsxConfigurationException for a parameter it cannot fill
   */
  static Call call(
      ConfigurableBeanFactory beanFactory, String describe, Object bean, Method method) {
    return invoker(bean, method, arguments(beanFactory, describe, method));
  }

  /** How each parameter is filled from a message; unsupported ones fail, naming the method. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
  private static Function<ReceivedMessage, Object>[] arguments(
      ConfigurableBeanFactory beanFactory, String describe, Method method) {
    Parameter[] parameters = method.getParameters();
    Function<ReceivedMessage, Object>[] arguments = new Function[parameters.length];
    int bodies = 0;
    for (int i = 0; i < parameters.length; i++) {
      Parameter parameter = parameters[i];
      Class<?> type = parameter.getType();
      MessageAttribute attribute = parameter.getAnnotation(MessageAttribute.class);
      if (attribute != null) {
        if (type != String.class) {
          throw new SqsxConfigurationException(
              describe
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
            describe
                + ": parameter "
                + parameter.getName()
                + " of type "
                + type.getName()
                + " is not supported (String, byte[], ReceivedMessage, @MessageAttribute String,"
                + " or a class read from the JSON body)");
      } else {
        bodies++;
        arguments[i] = Json.reader(beanFactory, describe, parameter);
      }
    }
    if (bodies > 1) {
      throw new SqsxConfigurationException(
          describe
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

  private static Call invoker(
      Object bean, Method method, Function<ReceivedMessage, Object>[] arguments) {
    return message -> {
      Object[] values = new Object[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        values[i] = arguments[i].apply(message);
      }
      try {
        return method.invoke(bean, values);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception exception) {
          throw exception;
        }
        throw (Error) cause;
      }
    };
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
