/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.spring;

import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Spring Cloud AWS's {@code @SqsListener} methods get large payloads: every {@code
 * SqsMessageListenerContainerFactory} (its auto-configured default and the application's own)
 * reads, acknowledges and changes visibility through sqsx's extended client, when a payload store
 * is configured. {@code sqsx.spring-cloud-aws=false} leaves them alone.
 */
@AutoConfiguration(after = SqsxAutoConfiguration.class)
@ConditionalOnClass(name = "io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory")
@ConditionalOnProperty(name = "sqsx.spring-cloud-aws", havingValue = "true", matchIfMissing = true)
public class SqsxSpringCloudAwsAutoConfiguration {

  @Bean
  static BeanPostProcessor sqsxSpringCloudAwsContainers() {
    return new Containers();
  }

  /** Sets the extended client on each container factory as it is initialised. */
  static final class Containers implements BeanPostProcessor, BeanFactoryAware {
    private BeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
      this.beanFactory = beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName)
        throws BeansException {
      if (bean instanceof SqsMessageListenerContainerFactory<?> factory
          && beanFactory.containsBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT)) {
        factory.setSqsAsyncClient(
            beanFactory.getBean(SqsxAutoConfiguration.EXTENDED_ASYNC_CLIENT, SqsAsyncClient.class));
      }
      return bean;
    }
  }
}
